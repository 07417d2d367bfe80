/**
 * The folds of `npm run bench:learning`, run in-process: the same split (seeded shuffle, every
 * fifth row held out), the same lessons a PATCH teaches (merchant key and features of the stored
 * line), the same learned layer in front of the same categorizer — without a server, so a change
 * to the learning layer can be measured on every labelled set in seconds.
 *
 *   npx tsx bench/learning-folds.ts [--set NAME] [--seed 12 | --seed 1,2,3,4,5,6,12] [--categorizer layered|rules] [--sources] [--errors]
 *
 * With several seeds, each seed's line is followed by the mean over seeds (of the mean and of the
 * worst fold): one seed's split moves a set's figures by a point or two, so a change is judged
 * over several. `--sources` adds, per set, which layer answered and how often it was right.
 *
 * The HTTP bench stays the measure of record; this one checks a change holds on every set.
 */
import { parseArgs } from 'node:util';
import type { CategorizableTransaction, Categorizer } from '../src/enrichment/categorizers/categorizer.js';
import { createCategorizer } from '../src/enrichment/categorizers/registry.js';
import { extractFeatures } from '../src/enrichment/learning/features.js';
import { LearnedCategorizer, type LearnedState } from '../src/enrichment/learning/learned.categorizer.js';
import { normalizeMerchant } from '../src/enrichment/merchant/normalize.js';
import { MerchantMemory } from '../src/enrichment/learning/merchant-memory.js';
import { NaiveBayesModel } from '../src/enrichment/learning/naive-bayes.js';
import { isHeldOut, loadSets, type LabelledRow } from './categorizer-accuracy.js';
import { prng } from './data.js';

export const FOLDS = 5;

/** The bench's split: a seeded shuffle, then every fifth row (from `fold`) held out. */
export function foldsOf(rows: readonly LabelledRow[], seed: number): Array<{ train: LabelledRow[]; test: LabelledRow[] }> {
  const random = prng(seed);
  const order = [...rows];
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as LabelledRow, order[i] as LabelledRow];
  }
  return Array.from({ length: FOLDS }, (_, fold) => ({
    test: order.filter((_, i) => i % FOLDS === fold),
    train: order.filter((_, i) => i % FOLDS !== fold),
  }));
}

/** What the integration's corrections of `train` teach, as the correction service stores it. */
export function learnedStateOf(train: readonly LabelledRow[]): LearnedState {
  const memory = new MerchantMemory();
  const model = new NaiveBayesModel();
  train.forEach((row, seq) => {
    memory.add(normalizeMerchant(row.transaction).key, row.expected, 1, seq);
    model.learn(extractFeatures(row.transaction), row.expected);
  });
  return { memory, model };
}

export interface FoldResult {
  cold: number;
  learned: number;
  /** Per answering source (`rules`, `brands`, `learned:model`, …): answers and how many were right. */
  sources: Record<string, { answered: number; right: number }>;
  misses: string[];
}

export async function runFoldInProcess(inner: Categorizer, train: readonly LabelledRow[], test: readonly LabelledRow[]): Promise<FoldResult> {
  const state = learnedStateOf(train);
  const learned = new LearnedCategorizer(inner, { stateFor: () => Promise.resolve(state) });
  let cold = 0;
  let right = 0;
  const sources: FoldResult['sources'] = {};
  const misses: string[] = [];
  for (const row of test) {
    const t: CategorizableTransaction = { ...row.transaction, integrationId: 1 };
    if ((await inner.categorize(t)).category === row.expected) cold += 1;
    const answer = await learned.categorize(t);
    const source = answer.source.replace(/^(rules:(?:brand|lexicon|mcc)|(?!learned:)[^:]+):.*/, '$1');
    const tally = (sources[source] ??= { answered: 0, right: 0 });
    tally.answered += 1;
    if (answer.category === row.expected) {
      right += 1;
      tally.right += 1;
    } else {
      misses.push(
        `${row.id.padEnd(8)} ${row.expected.padEnd(22)} got ${answer.category.padEnd(22)} ${answer.confidence.toFixed(2)} ${answer.source.slice(0, 30).padEnd(30)} ` +
          `${row.transaction.amount.padStart(10)}  ${row.transaction.merchantName ? `[${row.transaction.merchantName}] ` : ''}${row.transaction.description ?? ''}`,
      );
    }
  }
  return { cold: cold / test.length, learned: right / test.length, sources, misses };
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      set: { type: 'string' },
      seed: { type: 'string', default: '12' },
      categorizer: { type: 'string', default: 'layered' },
      sources: { type: 'boolean', default: false },
      errors: { type: 'boolean', default: false },
    },
  });
  const inner = createCategorizer(args.categorizer as string, [0, 0]);
  const seeds = (args.seed as string).split(',').map(Number);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const figures = (values: number[]) => values.map((v) => v.toFixed(3).padStart(6)).join(' ');
  console.log(`${'set'.padEnd(14)} ${'seed'.padStart(5)} ${'rows'.padStart(5)} ${'cold'.padStart(6)} ${'mean'.padStart(6)} ${'worst'.padStart(6)}  folds`);
  for (const set of loadSets(args.set)) {
    const means: number[] = [];
    const worsts: number[] = [];
    const colds: number[] = [];
    const sources: FoldResult['sources'] = {};
    for (const seed of seeds) {
      const results: FoldResult[] = [];
      for (const { train, test } of foldsOf(set.rows, seed)) results.push(await runFoldInProcess(inner, train, test));
      const learned = results.map((r) => r.learned);
      colds.push(mean(results.map((r) => r.cold)));
      means.push(mean(learned));
      worsts.push(Math.min(...learned));
      console.log(`${set.name.padEnd(14)} ${String(seed).padStart(5)} ${String(set.rows.length).padStart(5)} ${figures([colds.at(-1) as number, mean(learned), Math.min(...learned)])}  ${figures(learned)}`);
      for (const [source, tally] of results.flatMap((r) => Object.entries(r.sources))) {
        const total = (sources[source] ??= { answered: 0, right: 0 });
        total.answered += tally.answered;
        total.right += tally.right;
      }
      if (args.errors && !isHeldOut(set.name)) for (const line of results.flatMap((r) => r.misses)) console.log(`  ${line}`);
    }
    if (seeds.length > 1) console.log(`${set.name.padEnd(14)} ${'all'.padStart(5)} ${String(set.rows.length).padStart(5)} ${figures([mean(colds), mean(means), mean(worsts)])}  (mean over seeds)`);
    if (args.sources) {
      const bySource = Object.entries(sources).sort((a, b) => b[1].answered - a[1].answered);
      console.log(`  answered by: ${bySource.map(([source, t]) => `${source} ${t.right}/${t.answered}`).join(', ')}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
