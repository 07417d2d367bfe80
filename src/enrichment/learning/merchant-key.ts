/** The merchant memory keys merchants as the categorizers do (enrichment/merchant/normalize.ts). */
export { descriptionKeyOf, isLatinKey, normalizeMerchant, type NormalizedMerchant } from '../merchant/normalize.js';
