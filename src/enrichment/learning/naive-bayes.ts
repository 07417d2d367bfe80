import { CATEGORY_NAMES, type Category } from '../../domain/taxonomy.js';
import { featureHash, HashedFeatures } from './features.js';
import { fitsDirection, type Direction } from './merchant-memory.js';

/** How often a feature was seen in corrections to a category (`#docs` counts the corrections themselves). */
export interface FeatureCount {
  feature: string;
  category: Category;
  count: number;
}

export interface ModelAnswer {
  category: Category;
  /** Softmax of the per-feature mean log-likelihoods, scaled down while corrections are few: how sure the model is, 0..1. */
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
 * Below this many corrections the model does not answer: two corrections (one TRAVEL, one MEDICAL)
 * would split every unseen line between them with confidence near 0.5.
 */
const MIN_CORRECTIONS = 5;
/**
 * How many corrections its confidence counts as unseen: with n corrections a confidence is scaled
 * by n / (n + 10). After 5 corrections a line matching only one category's words answered 0.9997;
 * it now says 0.33, and 0.97 after the ~350 of a bench fold (same fold figures on every set).
 */
const EVIDENCE_PRIOR = 10;

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

  /** Whether it tells categories apart at all (MIN_CORRECTIONS, to two categories or more): else it never answers. */
  get canAnswer(): boolean {
    const p = (this.prepared ??= this.prepare());
    return p.classes.length >= 2 && p.corrections >= MIN_CORRECTIONS;
  }

  answer(features: readonly string[]): ModelAnswer | undefined {
    const hashed = new HashedFeatures();
    const isShape = (feature: string) => /^(?:s|m|sm):/.test(feature);
    for (const feature of [...features.filter((f) => !isShape(f)), ...features.filter(isShape)]) {
      const [h1, h2] = featureHash(feature);
      hashed.push(h1, h2);
    }
    hashed.textLength = features.filter((f) => !isShape(f)).length;
    return this.answerHashed(hashed);
  }

  /**
   * `answer` of a line's features as `hashFeatures` reads them: each known feature counts once, in
   * the order first seen; with none of its text's features known, it has no answer. With the line's direction, only categories that can move money its way
   * answer (as in the merchant memory: no TRANSFER_IN for a debit).
   */
  answerHashed(features: HashedFeatures, direction: Direction = null): ModelAnswer | undefined {
    const p = (this.prepared ??= this.prepare());
    // One category learned, or a handful of corrections, is no evidence of telling categories apart.
    if (p.classes.length < 2 || p.corrections < MIN_CORRECTIONS) return undefined;
    p.stamp += 1;
    if (p.stamp === 0x7fffffff) {
      p.stamps.fill(0);
      p.stamp = 1;
    }
    const { stamp, keys1, keys2, slots, stamps, matrix, mask } = p;
    const scores = p.scores.fill(0);
    const classes = scores.length;
    let known = 0;
    let knownText = 0;
    for (let f = 0; f < features.length; f += 1) {
      const h1 = features.h1[f] as number;
      const h2 = features.h2[f] as number;
      // Linear probing; slot value 0 is empty, else the feature's row + 1.
      let at = slotOf(h1, mask);
      let row = -1;
      for (let slot = slots[at] as number; slot !== 0; at = (at + 1) & mask, slot = slots[at] as number) {
        if (keys1[at] === h1 && keys2[at] === h2) {
          row = slot - 1;
          break;
        }
      }
      if (row < 0 || stamps[row] === stamp) continue;
      stamps[row] = stamp;
      known += 1;
      if (f < features.textLength) knownText += 1;
      const offset = row * classes;
      for (let i = 0; i < classes; i += 1) scores[i] = (scores[i] as number) + (matrix[offset + i] as number);
    }
    // The amount's shape alone says nothing of what was bought: the text must share something learned.
    if (knownText === 0) return undefined;
    let best = -1;
    for (let i = 0; i < scores.length; i += 1) {
      scores[i] = fitsDirection(p.classes[i] as Category, direction) ? (SHARPNESS * (scores[i] as number)) / known + (p.logPrior[i] as number) : -Infinity;
      if (best < 0 || (scores[i] as number) > (scores[best] as number)) best = i;
    }
    if (scores[best] === -Infinity) return undefined;
    let sum = 0;
    for (let i = 0; i < scores.length; i += 1) sum += Math.exp((scores[i] as number) - (scores[best] as number));
    // Taught by few corrections it is less sure, whatever the text: 5 corrections leave a third of it.
    return { category: p.classes[best] as Category, confidence: (1 / sum) * (p.corrections / (p.corrections + EVIDENCE_PRIOR)) };
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
    const rows = this.counts.size - (this.counts.has(DOCS) ? 1 : 0);
    let size = 16;
    while (size < 2 * rows) size *= 2;
    const mask = size - 1;
    const keys1 = new Int32Array(size);
    const keys2 = new Int32Array(size);
    const slots = new Int32Array(size);
    const matrix = new Float64Array(rows * classes.length);
    let row = 0;
    for (const [feature, byCategory] of this.counts) {
      if (feature === DOCS) continue;
      const [h1, h2] = featureHash(feature);
      let at = slotOf(h1, mask);
      while (slots[at] !== 0 && !(keys1[at] === h1 && keys2[at] === h2)) at = (at + 1) & mask;
      // Two feature strings with both hashes equal (about 1 in 2^64 per pair): the first one stands.
      if (slots[at] !== 0) continue;
      keys1[at] = h1;
      keys2[at] = h2;
      slots[at] = row + 1;
      classes.forEach((c, i) => {
        matrix[row * classes.length + i] = Math.log(((byCategory.get(c) ?? 0) + ALPHA) / ((totals[i] as number) + ALPHA * vocabulary));
      });
      row += 1;
    }
    const logPrior = Float64Array.from(classes, (c) => Math.log((docs.get(c) ?? 0) / totalDocs));
    return {
      classes,
      corrections: totalDocs,
      logPrior,
      keys1,
      keys2,
      slots,
      mask,
      matrix,
      stamps: new Int32Array(rows),
      scores: new Float64Array(classes.length),
      stamp: 0,
    };
  }
}

/** Where probing for a feature's slot starts. */
function slotOf(h1: number, mask: number): number {
  return Math.imul(h1 ^ (h1 >>> 16), 0x45d9f3b) & mask;
}

/**
 * The model ready to score: each feature's log-likelihoods per class, one row of `matrix`, found
 * by the hashes of its string (featureHash) in an open-addressing table (linear probing).
 */
interface Prepared {
  classes: Category[];
  /** How many corrections it learned from. */
  corrections: number;
  logPrior: Float64Array;
  keys1: Int32Array;
  keys2: Int32Array;
  /** 0: empty; else the feature's row + 1. */
  slots: Int32Array;
  mask: number;
  /** rows × classes log-likelihoods. */
  matrix: Float64Array;
  /** Per row, the answer that last counted it: a feature counts once per answer. */
  stamps: Int32Array;
  stamp: number;
  /** Scratch for one answer's scores. */
  scores: Float64Array;
}
