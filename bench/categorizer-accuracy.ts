/**
 * Measures the rules categorizer against the labelled South African statement lines:
 *   npx tsx bench/categorizer-accuracy.ts [--errors]
 * Rows labelled EXCLUDE are not scored (see the dataset's README.md and mapping.json).
 * The dataset is a measuring stick: rules must not be written from its rows.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CATEGORY_NAMES, isCategory, type Category } from '../src/domain/taxonomy.js';
import { RulesCategorizer } from '../src/enrichment/categorizers/rules.categorizer.js';

const DATASET = new URL('../../shared/datasets/za-bank-transactions/labelled.csv', import.meta.url);

interface LabelledRow {
  id: string;
  description: string;
  amount: string;
  expected: Category;
}

/** RFC 4180 CSV: fields may be quoted, quotes inside are doubled, quoted fields may hold commas and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function loadRows(text: string): { scored: LabelledRow[]; excluded: number } {
  const [header, ...records] = parseCsv(text).filter((r) => r.length > 1 || r[0] !== '');
  if (!header) throw new Error('empty dataset');
  const col = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`dataset has no ${name} column`);
    return index;
  };
  const [idCol, descriptionCol, amountCol, pfcCol] = [col('id'), col('description'), col('amount'), col('pfc')];
  const scored: LabelledRow[] = [];
  let excluded = 0;
  for (const record of records) {
    const pfc = record[pfcCol] ?? '';
    if (pfc === 'EXCLUDE') {
      excluded += 1;
      continue;
    }
    if (!isCategory(pfc)) throw new Error(`row ${record[idCol]}: unknown category ${pfc}`);
    scored.push({ id: record[idCol] ?? '', description: record[descriptionCol] ?? '', amount: record[amountCol] ?? '', expected: pfc });
  }
  return { scored, excluded };
}

const pct = (n: number, d: number): string => (d === 0 ? '    -' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

async function main(): Promise<void> {
  const { scored, excluded } = loadRows(await readFile(DATASET, 'utf8'));
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
  console.log(`dataset   ${fileURLToPath(DATASET)}`);
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
