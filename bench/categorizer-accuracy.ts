/**
 * Measures the rules categorizer against the labelled South African statement lines:
 *   npx tsx bench/categorizer-accuracy.ts [--errors]
 * Rows labelled EXCLUDE are not scored (see the dataset's README.md and mapping.json).
 * The dataset is a measuring stick: rules must not be written from its rows.
 */
import { CATEGORY_NAMES, type Category } from '../src/domain/taxonomy.js';
import { RulesCategorizer } from '../src/enrichment/categorizers/rules.categorizer.js';
import { loadLabelledRows } from './labelled.js';

const pct = (n: number, d: number): string => (d === 0 ? '    -' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

async function main(): Promise<void> {
  const { path, scored, excluded } = await loadLabelledRows();
  const categorizer = new RulesCategorizer();
  const showErrors = process.argv.includes('--errors');

  const perCategory = new Map<Category, { support: number; predicted: number; correct: number }>(
    CATEGORY_NAMES.map((c) => [c, { support: 0, predicted: 0, correct: 0 }]),
  );
  let correct = 0;
  let categorized = 0;
  const errors: string[] = [];

  for (const row of scored) {
    const result = await categorizer.categorize({
      transactionId: row.id,
      accountId: 'bench',
      date: '2024-01-01',
      amount: row.amount,
      currency: 'ZAR',
      merchantName: null,
      description: row.description,
    });
    const expected = perCategory.get(row.expected);
    const predicted = perCategory.get(result.category);
    if (expected) expected.support += 1;
    if (predicted) predicted.predicted += 1;
    if (result.category !== 'UNCATEGORIZED') categorized += 1;
    if (result.category === row.expected) {
      correct += 1;
      if (expected) expected.correct += 1;
    } else {
      errors.push(`${row.id}  ${row.expected.padEnd(26)} got ${result.category.padEnd(26)} ${result.source.padEnd(34)} ${row.amount.padStart(10)}  ${row.description}`);
    }
  }

  const total = scored.length;
  console.log(`dataset   ${path}`);
  console.log(`rows      ${total} scored, ${excluded} excluded`);
  console.log(`accuracy  ${pct(correct, total)}  (${correct}/${total} correct)`);
  console.log(`coverage  ${pct(categorized, total)}  (${categorized}/${total} not UNCATEGORIZED)`);
  console.log(`precision ${pct(correct, categorized)}  (correct when categorized)`);
  console.log('');
  console.log(`${'category'.padEnd(26)} ${'support'.padStart(7)} ${'predicted'.padStart(9)} ${'correct'.padStart(7)} ${'recall'.padStart(7)} ${'precision'.padStart(9)}`);
  for (const [category, s] of perCategory) {
    if (s.support === 0 && s.predicted === 0) continue;
    console.log(
      `${category.padEnd(26)} ${String(s.support).padStart(7)} ${String(s.predicted).padStart(9)} ${String(s.correct).padStart(7)} ${pct(s.correct, s.support).padStart(7)} ${pct(s.correct, s.predicted).padStart(9)}`,
    );
  }
  if (showErrors) {
    console.log('\nmisses (expected, got, rule, amount, description):');
    for (const line of errors) console.log(line);
  }
}

await main();
