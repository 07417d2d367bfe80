import { CATEGORY_NAMES, type Category } from '../../domain/taxonomy.js';
import { featureHash, HashedFeatures } from './features.js';

/** How often a feature was seen in corrections to a category (`#docs` counts the corrections themselves). */
export interface FeatureCount {
  feature: string;
  category: Category;
  count: number;
}

export interface ModelAnswer {
  category: Category;
  /** Softmax of the per-feature mean log-likelihoods: how sure the model is, 0..1. */
  confidence: number;
}

/** The pseudo-feature counting the corrections (documents) of each category. */
export const DOCS = '#docs';

const ALPHA = 0.1;
/**
 * Naive Bayes multiplies the evidence of features that are far from independent (the n-grams of
 * one word), which makes its posteriors near 0 or 1 whatever it knows. Scores are taken per
 * feature (mean log-likelihood) and sharpened by this factor instead, so confidence tracks how
 * much of the text points one way.
 */
const SHARPNESS = 4;

/**
 * A multinomial naive Bayes classifier over binary features, trained incrementally: each
 * correction adds one to its category's count of every feature it has, and taking a correction
 * back subtracts them, so the stored counts are the whole state (JSON- and row-serialisable).
 * Scoring is prepared on demand into one array of log-probabilities per feature.
 */
export class NaiveBayesModel {
  private readonly counts = new Map<string, Map<Category, number>>();
  private prepared: Prepared | undefined;

  static fromCounts(counts: Iterable<FeatureCount>): NaiveBayesModel {
    const model = new NaiveBayesModel();
    for (const c of counts) model.addCount(c.feature, c.category, c.count);
    return model;
  }

  /** Learns (or with `weight` -1 forgets) one correction. */
  learn(features: readonly string[], category: Category, weight = 1): void {
    this.addCount(DOCS, category, weight);
    for (const feature of features) this.addCount(feature, category, weight);
  }

  /** The counts one correction adds, as stored rows. */
  static deltas(features: readonly string[], category: Category, weight = 1): FeatureCount[] {
    return [DOCS, ...features].map((feature) => ({ feature, category, count: weight }));
  }

  /** Whether it tells categories apart at all (corrections to two categories or more): else it never answers. */
  get canAnswer(): boolean {
    return (this.prepared ??= this.prepare()).classes.length >= 2;
  }

  answer(features: readonly string[]): ModelAnswer | undefined {
    const hashed = new HashedFeatures();
    for (const feature of features) {
      const [h1, h2] = featureHash(feature);
      hashed.push(h1, h2);
    }
    return this.answerHashed(hashed);
  }

  /** `answer` of a line's features as `hashFeatures` reads them: each known feature counts once, in the order first seen. */
  answerHashed(features: HashedFeatures): ModelAnswer | undefined {
    const p = (this.prepared ??= this.prepare());
    // One category learned is no evidence of telling categories apart.
    if (p.classes.length < 2) return undefined;
    const stamp = (p.stamp += 1);
    const scores = p.scores.fill(0);
    let known = 0;
    for (let f = 0; f < features.length; f += 1) {
      const h1 = features.h1[f] as number;
      const h2 = features.h2[f] as number;
      let entry = p.byHash.get(h1 >>> 2);
      while (entry !== undefined && (entry.h1 !== h1 || entry.h2 !== h2)) entry = entry.next;
      if (entry === undefined || entry.stamp === stamp) continue;
      entry.stamp = stamp;
      known += 1;
      const row = entry.row;
      for (let i = 0; i < scores.length; i += 1) scores[i] = (scores[i] as number) + (row[i] as number);
    }
    if (known === 0) return undefined;
    let best = 0;
    for (let i = 0; i < scores.length; i += 1) {
      scores[i] = (SHARPNESS * (scores[i] as number)) / known + (p.logPrior[i] as number);
      if ((scores[i] as number) > (scores[best] as number)) best = i;
    }
    let sum = 0;
    for (let i = 0; i < scores.length; i += 1) sum += Math.exp((scores[i] as number) - (scores[best] as number));
    return { category: p.classes[best] as Category, confidence: 1 / sum };
  }

  /** Every stored count, for JSON or rows. */
  toCounts(): FeatureCount[] {
    return [...this.counts].flatMap(([feature, byCategory]) => [...byCategory].map(([category, count]) => ({ feature, category, count })));
  }

  private addCount(feature: string, category: Category, count: number): void {
    let byCategory = this.counts.get(feature);
    if (!byCategory) {
      byCategory = new Map();
      this.counts.set(feature, byCategory);
    }
    const next = (byCategory.get(category) ?? 0) + count;
    if (next <= 0) byCategory.delete(category);
    else byCategory.set(category, next);
    if (byCategory.size === 0) this.counts.delete(feature);
    this.prepared = undefined;
  }

  private prepare(): Prepared {
    const docs = this.counts.get(DOCS) ?? new Map<Category, number>();
    const classes = CATEGORY_NAMES.filter((c) => (docs.get(c) ?? 0) > 0);
    const totalDocs = classes.reduce((sum, c) => sum + (docs.get(c) ?? 0), 0);
    const totals = new Float64Array(classes.length);
    for (const [feature, byCategory] of this.counts) {
      if (feature === DOCS) continue;
      classes.forEach((c, i) => (totals[i] = (totals[i] as number) + (byCategory.get(c) ?? 0)));
    }
    const vocabulary = Math.max(1, this.counts.size - 1);
    const byHash = new Map<number, HashedRow>();
    for (const [feature, byCategory] of this.counts) {
      if (feature === DOCS) continue;
      const row = Float64Array.from(classes, (c, i) => Math.log(((byCategory.get(c) ?? 0) + ALPHA) / ((totals[i] as number) + ALPHA * vocabulary)));
      const [h1, h2] = featureHash(feature);
      const key = h1 >>> 2;
      byHash.set(key, { h1, h2, row, stamp: 0, next: byHash.get(key) });
    }
    const logPrior = Float64Array.from(classes, (c) => Math.log((docs.get(c) ?? 0) / totalDocs));
    return { classes, logPrior, byHash, scores: new Float64Array(classes.length), stamp: 0 };
  }
}

interface Prepared {
  classes: Category[];
  logPrior: Float64Array;
  /**
   * Each feature's log-likelihoods per class, found by the hashes of its string (featureHash):
   * keyed by 30 bits of the first (a small integer key), checked against both; features sharing a
   * key are chained.
   */
  byHash: Map<number, HashedRow>;
  /** Scratch for one answer's scores. */
  scores: Float64Array;
  /** Bumped per answer: a feature whose row carries the current stamp was counted already. */
  stamp: number;
}

interface HashedRow {
  readonly h1: number;
  readonly h2: number;
  readonly row: Float64Array;
  stamp: number;
  readonly next: HashedRow | undefined;
}
