import type { CategorizableTransaction, Categorization, Categorizer } from '../categorizers/categorizer.js';
import { extractFeatures } from './features.js';
import { MerchantMemory } from './merchant-memory.js';
import { normalizeMerchant } from './merchant-key.js';
import { NaiveBayesModel } from './naive-bayes.js';

/** What one integration's corrections taught: its merchant memory and its model. */
export interface LearnedState {
  readonly memory: MerchantMemory;
  readonly model: NaiveBayesModel;
}

/** Where the worker gets an integration's learned state; undefined when it has taught nothing. */
export interface LearnedStateSource {
  stateFor(integrationId: number): Promise<LearnedState | undefined>;
}

export interface LearnedLayerOptions {
  /** A rules answer at least this sure (a brand or keyword match) beats the model. */
  strongConfidence: number;
  /** The model answers only when at least this sure, and surer than the rules' weak answer. */
  modelThreshold: number;
}

/**
 * Measured on the labelled set with 5 folds (bench/learning.ts): letting keyword answers (0.75–0.8)
 * stand before the model, and the model answer where the rules have none from 0.4, beat treating
 * only brand answers (≥ 0.9) as strong or asking the model for 0.6 (0.83 against 0.80 mean).
 */
export const DEFAULT_LEARNED_LAYER: LearnedLayerOptions = { strongConfidence: 0.7, modelThreshold: 0.4 };

/** The integration's merchant memory's answer: what its people said about this merchant. */
export function rememberedAnswer(state: LearnedState, transaction: CategorizableTransaction): Categorization | undefined {
  const remembered = state.memory.answer(normalizeMerchant(transaction).key);
  return remembered && { category: remembered.category, confidence: remembered.confidence, source: 'learned:merchant' };
}

/** With the inner categorizer's answer in hand: a strong one stands, else the model when sure enough, else the weak one. */
export function afterRules(state: LearnedState, transaction: CategorizableTransaction, rules: Categorization, options: LearnedLayerOptions): Categorization {
  if (rules.confidence >= options.strongConfidence) return rules;
  const modelled = state.model.answer(extractFeatures(transaction));
  // A weak rule stands unless the model is surer than it; no rule at all leaves it to the threshold.
  if (modelled && modelled.confidence >= options.modelThreshold && modelled.confidence > rules.confidence) {
    return { category: modelled.category, confidence: modelled.confidence, source: 'learned:model' };
  }
  return rules;
}

/**
 * Puts an integration's own learning in front of another categorizer. Order: the integration's
 * merchant memory (what its people said about this merchant is never overridden), then the inner
 * categorizer's strong answers (brand and keyword matches), then the learned model when it is sure
 * enough and surer than the rest, then the inner categorizer's weak answers (generic words, none). A transaction of an integration that taught nothing
 * goes straight to the inner categorizer.
 */
export class LearnedCategorizer implements Categorizer {
  readonly name: string;
  readonly version: string;

  constructor(
    private readonly inner: Categorizer,
    private readonly source: LearnedStateSource,
    private readonly options: LearnedLayerOptions = DEFAULT_LEARNED_LAYER,
  ) {
    this.name = inner.name;
    this.version = `${inner.version}+learned@1`;
  }

  async categorize(transaction: CategorizableTransaction, signal?: AbortSignal): Promise<Categorization> {
    const state = transaction.integrationId === undefined ? undefined : await this.source.stateFor(transaction.integrationId);
    if (!state) return this.inner.categorize(transaction, signal);
    // The memory is consulted before the inner categorizer is called: a remembered merchant costs no inner call.
    return rememberedAnswer(state, transaction) ?? afterRules(state, transaction, await this.inner.categorize(transaction, signal), this.options);
  }
}
