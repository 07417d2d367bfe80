import { BrandIndex } from './brands/brand-index.js';
import type { BrandReading, CategorizableTransaction, Categorization, Categorizer } from './categorizer.js';
import { describeLine, type CategorizationLayer, type LineFacts, type LocalLayer } from './layer.js';
import { brandLayer, lexiconLayer, mccLayer, RULE_BANDS, rulesLayer, STRONG_CONFIDENCE } from './layers.js';
import { LexiconIndex } from './lexicon.js';
import { RulesCategorizer } from './rules.categorizer.js';
import { CATEGORY_RULES } from './rules.data.js';
import { MARKET_RULES } from './rules.markets.data.js';

/** Bumped when the layers, their order or their confidences change. */
const LAYERS_VERSION = 6;

/** The standard layers, in order of measured precision, split where a learned layer would go. */
export interface StandardLayers {
  /** Merchant category codes, bank wording, curated and indexed brands: answers of 0.9 and more. */
  readonly strong: readonly LocalLayer[];
  /** Keywords, lexicons, brands inside the line, generic and transfer words. */
  readonly weak: readonly LocalLayer[];
  readonly version: string;
}

/** Builds the standard layers; the brand index is read once, here (about 15k names). */
export function standardLayers(brands: BrandIndex = BrandIndex.load()): StandardLayers {
  const rules = new RulesCategorizer([...CATEGORY_RULES, ...MARKET_RULES]);
  const lexicon = new LexiconIndex();
  return {
    strong: [mccLayer(), rulesLayer(rules, RULE_BANDS.strong), brandLayer(brands, lexicon, 'start')],
    weak: [rulesLayer(rules, RULE_BANDS.keywords), lexiconLayer(lexicon), brandLayer(brands, lexicon, 'inside'), rulesLayer(rules, RULE_BANDS.weak)],
    version: `layered@${LAYERS_VERSION}+${brands.version}`,
  };
}

export interface LayeredOptions {
  /** Layers tried first, in order (a per-integration merchant memory). */
  readonly before?: readonly CategorizationLayer[];
  /** Layers tried between the strong and the weak standard layers (a learned model). */
  readonly between?: readonly CategorizationLayer[];
  /** Layers tried when every standard layer passed. */
  readonly after?: readonly CategorizationLayer[];
  /**
   * Asked when the answer of the layers is below `belowConfidence` (an LLM): its answer, if it has
   * one, replaces the weaker one; when it has none (or its server fails), the layers' answer stands.
   */
  readonly refine?: { readonly layer: CategorizationLayer; readonly belowConfidence: number };
  readonly standard?: StandardLayers;
  /** Reported as the version; defaults to the standard layers' version. */
  readonly version?: string;
}

const UNCATEGORIZED: Categorization = { category: 'UNCATEGORIZED', confidence: 0, source: 'rules:none' };

/**
 * Asks its layers in order and takes the first answer: `before`, then the strong standard layers
 * (codes, bank wording, brands), `between`, the weak ones (keywords, lexicons), `after`. A line no
 * layer knows is UNCATEGORIZED with confidence 0.
 */
export class LayeredCategorizer implements Categorizer {
  readonly name = 'layered';
  readonly version: string;
  readonly layers: readonly CategorizationLayer[];
  private readonly standard: StandardLayers;
  private readonly refine: LayeredOptions['refine'];

  constructor(options: LayeredOptions = {}) {
    this.standard = options.standard ?? standardLayers();
    this.layers = [...(options.before ?? []), ...this.standard.strong, ...(options.between ?? []), ...this.standard.weak, ...(options.after ?? [])];
    this.refine = options.refine;
    this.version = options.version ?? `${this.standard.version}${options.refine ? `+${options.refine.layer.name}` : ''}`;
  }

  async categorize(transaction: CategorizableTransaction, signal?: AbortSignal): Promise<Categorization> {
    const line = describeLine(transaction);
    let answer = UNCATEGORIZED;
    for (const layer of this.layers) {
      signal?.throwIfAborted();
      const given = await layer.categorize(line, signal);
      if (given !== undefined) {
        answer = given;
        break;
      }
    }
    if (this.refine && answer.confidence < this.refine.belowConfidence) return (await this.refine.layer.categorize(line, signal)) ?? answer;
    return answer;
  }

  /**
   * The standard layers only, synchronously, for the bench and for callers that must not wait:
   * `strong` keeps only answers of the strong band (undefined when none), `all` any answer.
   */
  categorizeLocally(transaction: CategorizableTransaction, which: 'strong' | 'all' = 'all'): Categorization | undefined {
    return answerOf(describeLine(transaction), which === 'strong' ? this.standard.strong : [...this.standard.strong, ...this.standard.weak], which === 'strong');
  }

  brandOf(transaction: CategorizableTransaction): BrandReading | undefined {
    const answer = this.categorizeLocally(transaction);
    return answer?.brand === undefined ? undefined : { brand: answer.brand, category: answer.category };
  }

  /** A strong answer (confidence ≥ 0.9 from codes, bank wording or brands), or undefined. */
  strongOnly(transaction: CategorizableTransaction): Categorization | undefined {
    return this.categorizeLocally(transaction, 'strong');
  }

  /** Any answer of the weak standard layers, for lines the strong layers and a learned layer left. */
  weakOnly(transaction: CategorizableTransaction): Categorization | undefined {
    return answerOf(describeLine(transaction), this.standard.weak, false);
  }
}

function answerOf(line: LineFacts, layers: readonly LocalLayer[], strongOnly: boolean): Categorization | undefined {
  for (const layer of layers) {
    const answer = layer.categorize(line);
    if (answer !== undefined && (!strongOnly || answer.confidence >= STRONG_CONFIDENCE)) return answer;
  }
  return undefined;
}
