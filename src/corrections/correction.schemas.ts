import { Type } from 'typebox';
import { CATEGORY_NAMES } from '../domain/taxonomy.js';

/** PATCH body (§11): a category of GET /api/categories locks it; null unlocks and re-enriches. */
export const CorrectionBody = Type.Object(
  {
    category: Type.Union([Type.Unsafe<string>({ type: 'string', enum: CATEGORY_NAMES }), Type.Null()], {
      description: 'A category of GET /api/categories (UNCATEGORIZED included), or null to unlock and enrich again',
    }),
  },
  { additionalProperties: false, examples: [{ category: 'FOOD_AND_DRINK' }, { category: null }] },
);
