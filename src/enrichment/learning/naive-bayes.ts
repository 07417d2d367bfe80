import { CATEGORY_NAMES, type Category } from '../../domain/taxonomy.js';

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
  /** Share of the transaction's features the model has seen in any correction. */
  known: number;
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

  answer(features: readonly string[]): ModelAnswer | undefined {
    const p = (this.prepared ??= this.prepare());
    // One category learned is no evidence of telling categories apart.
    if (p.classes.length < 2) return undefined;
    const scores = new Float64Array(p.classes.length);
    let known = 0;
    for (const feature of features) {
      const row = p.logLikelihood.get(feature);
      if (row === undefined) continue;
      known += 1;
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
    return { category: p.classes[best] as Category, confidence: 1 / sum, known: known / Math.max(1, features.length) };
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
    const logLikelihood = new Map<string, Float64Array>();
    for (const [feature, byCategory] of this.counts) {
      if (feature === DOCS) continue;
      logLikelihood.set(
        feature,
        Float64Array.from(classes, (c, i) => Math.log(((byCategory.get(c) ?? 0) + ALPHA) / ((totals[i] as number) + ALPHA * vocabulary))),
      );
    }
    const logPrior = Float64Array.from(classes, (c) => Math.log((docs.get(c) ?? 0) / totalDocs));
    return { classes, logPrior, logLikelihood };
  }
}

interface Prepared {
  classes: Category[];
  logPrior: Float64Array;
  logLikelihood: Map<string, Float64Array>;
}
