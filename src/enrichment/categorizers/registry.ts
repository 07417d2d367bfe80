import type { CategorizerName, Config } from '../../config.js';
import type { Categorizer } from './categorizer.js';
import { LayeredCategorizer } from './layered.categorizer.js';
import { LLM_DEFAULTS, LlmLayer } from './llm.layer.js';
import { RulesCategorizer } from './rules.categorizer.js';
import { SimulatedLatencyCategorizer } from './simulated-latency.js';

/**
 * Categorizers by the name CATEGORIZER selects. A model- or LLM-backed one is a new file and one
 * line here; the worker never changes.
 */
const CATEGORIZERS: Record<CategorizerName, (llm: Config['llm']) => Categorizer> = {
  rules: () => new RulesCategorizer(),
  layered: (llm) =>
    new LayeredCategorizer(
      llm === undefined ? {} : { refine: { layer: new LlmLayer({ ...LLM_DEFAULTS, ...llm }), belowConfidence: llm.belowConfidence } },
    ),
};

function availableCategorizers(): string[] {
  return Object.keys(CATEGORIZERS);
}

/**
 * Builds the named categorizer (loadConfig has checked CATEGORIZER; a name from elsewhere, such as a
 * bench's flag, is checked here).
 * `layer` wraps it before the simulated latency (e.g. per-integration learning in front of it).
 */
export function createCategorizer(
  name: string,
  latencyMs: readonly [number, number],
  llm?: Config['llm'],
  layer: (inner: Categorizer) => Categorizer = (inner) => inner,
): Categorizer {
  const make = Object.hasOwn(CATEGORIZERS, name) ? CATEGORIZERS[name as CategorizerName] : undefined;
  if (!make) throw new Error(`Unknown CATEGORIZER "${name}"; available: ${availableCategorizers().join(', ')}`);
  if (llm !== undefined && name !== 'layered') throw new Error(`LLM_BASE_URL is set, but CATEGORIZER "${name}" has no LLM layer; use CATEGORIZER=layered`);
  const categorizer = layer(make(llm));
  return latencyMs[1] > 0 ? new SimulatedLatencyCategorizer(categorizer, latencyMs) : categorizer;
}
