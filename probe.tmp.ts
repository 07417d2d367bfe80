import { createCategorizer } from './src/enrichment/categorizers/registry.js';
import { extractFeatures } from './src/enrichment/learning/features.js';
import { LearnedCategorizer } from './src/enrichment/learning/learned.categorizer.js';
import { normalizeMerchant } from './src/enrichment/learning/merchant-key.js';
import { MerchantMemory } from './src/enrichment/learning/merchant-memory.js';
import { NaiveBayesModel } from './src/enrichment/learning/naive-bayes.js';
const cases: Array<[string, string, string, string[]]> = [
  ['USD', 'CHECKCARD 1103 TRADER JOES #552 SEATTLE WA 24431', 'TRAVEL', ['TRADER JOE S #552 SEATTLE WA', 'CHECKCARD 1201 TRADER JOE S #552 SEATTLE WA', "TRADER JOE'S #552"]],
  ['USD', 'MOLLY MOON S ICE CREAM SEATTLE WA', 'TRAVEL', ["MOLLY MOON'S ICE CREAM", 'SQ *MOLLY MOONS ICE CREAM']],
  ['USD', 'Zapper*Tashas Cafe Gateway', 'BANK_FEES', ['Zapper*Tashas Cafe Rosebank', 'Yoco *Tashas Cafe Rosebank', 'Tashas Cafe Rosebank', 'TASHAS CAFE']],
  ['USD', 'Zapper*Kauai Gateway 11', 'PERSONAL_CARE', ['Zapper*Kauai Umhlanga', 'KAUAI']],
];
const inner = createCategorizer('layered', [0, 0]);
for (const [currency, corrected, category, later] of cases) {
  const memory = new MerchantMemory();
  const model = new NaiveBayesModel();
  const t = { merchantName: null, description: corrected, amount: '-90.00' };
  memory.add(normalizeMerchant(t).key, category as never, 1, 1);
  model.learn(extractFeatures(t), category as never);
  const state = { memory, model };
  const learned = new LearnedCategorizer(inner, { stateFor: () => Promise.resolve(state) });
  console.log(`${corrected} -> key ${JSON.stringify(normalizeMerchant(t).key)} (${category})`);
  for (const d of later) {
    const tx = { merchantName: null, description: d, amount: '-90.00', currency, date: '2026-11-01', integrationId: 1 } as never;
    const a = await learned.categorize(tx);
    console.log(`   ${d.padEnd(45)} key ${JSON.stringify(normalizeMerchant({ merchantName: null, description: d }).key).padEnd(30)} ${a.category} ${a.source}`);
  }
}
