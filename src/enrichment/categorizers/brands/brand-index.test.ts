import { describe, expect, it } from 'vitest';
import { BrandIndex } from './brand-index.js';

describe('the generated brand index', () => {
  const index = BrandIndex.load();

  it('when loaded, then it holds the shop and amenity brands of many markets under a dated version', () => {
    expect(index.version).toMatch(/^brands@\d{8}$/);
    expect(index.size).toBeGreaterThan(10_000);
  });

  it.each([
    ['PICK N PAY', ['za'], 'FOOD_AND_DRINK'],
    ['DIS CHEM', ['za'], 'MEDICAL'],
    ['ENGEN', ['za'], 'TRANSPORTATION'],
    ['TESCO', ['gb'], 'FOOD_AND_DRINK'],
    ['THE HOME DEPOT', ['us'], 'HOME_IMPROVEMENT'],
    ['ALBERT HEIJN', ['nl'], 'FOOD_AND_DRINK'],
    ['VODACOM', ['za'], 'RENT_AND_UTILITIES'],
  ] as const)('when %s is looked up in %j, then it is %s first', (key, countries, category) => {
    expect(index.candidates(key, countries)[0]?.category).toBe(category);
  });

  it('when a brand trades elsewhere only, then the market does not see it', () => {
    expect(index.candidates('PICK N PAY', ['us'])).toEqual([]);
  });

  it('when a grocer is tagged as a clothes shop, then the reviewed override files it as food where it holds', () => {
    expect(index.candidates('WOOLWORTHS', ['za'])).toEqual([expect.objectContaining({ category: 'FOOD_AND_DRINK' })]);
  });

  it('when a neighbourhood grocer is tagged as a convenience store, then the reviewed override files it as food', () => {
    expect(index.candidates('KWIKSPAR', ['za'])).toEqual([expect.objectContaining({ category: 'FOOD_AND_DRINK' })]);
  });

  it('when a clothing chain shares its name with a fuel brand listed worldwide, then the override holds in its market only', () => {
    expect(index.candidates('JET', ['za'])[0]?.category).toBe('GENERAL_MERCHANDISE');
    expect(index.candidates('JET', ['de'])[0]?.category).toBe('TRANSPORTATION');
  });

  it('when a convenience chain is also listed worldwide as its own filling stations, then Mexico\'s override files it as a shop', () => {
    expect(index.candidates('OXXO', ['mx'])[0]?.category).toBe('GENERAL_MERCHANDISE');
  });
});
