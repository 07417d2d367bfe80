import { describe, expect, it } from 'vitest';
import { countriesOfCurrency, countriesOfLocation } from './markets.js';
import { osmCategory } from './osm-categories.js';

describe('markets', () => {
  it.each([
    ['ZAR', ['za']],
    ['GBP', ['gb']],
    ['usd', ['us', 'pr']],
    ['INR', ['in']],
    ['XYZ', []],
  ] as const)('when the account is kept in %s, then its brands are those of %j', (currency, countries) => {
    expect(countriesOfCurrency(currency)).toEqual(countries);
  });

  it('when the account is kept in euros, then the brands of every euro country are its own', () => {
    expect(countriesOfCurrency('EUR')).toEqual(expect.arrayContaining(['de', 'fr', 'nl', 'es', 'it', 'pt', 'ie']));
  });

  it.each([
    ['za', ['za']],
    ['gb-eng', ['gb']],
    ['us-tx.geojson', ['us']],
    ['fx', ['fr']],
    ['001', ['*']],
    [[-118, 33.85, 80], []],
  ] as const)('when the index places a brand at %j, then it trades in %j', (location, countries) => {
    expect(countriesOfLocation(location)).toEqual(countries);
  });
});

describe('OSM tags', () => {
  it.each([
    ['brands/shop/supermarket', 'FOOD_AND_DRINK'],
    ['brands/amenity/fuel', 'TRANSPORTATION'],
    ['brands/amenity/pharmacy', 'MEDICAL'],
    ['brands/amenity/fast_food', 'FOOD_AND_DRINK'],
    ['brands/shop/hardware', 'HOME_IMPROVEMENT'],
    ['brands/tourism/hotel', 'TRAVEL'],
    ['brands/shop/mobile_phone', 'RENT_AND_UTILITIES'],
    ['brands/shop/convenience', 'GENERAL_MERCHANDISE'],
    ['operators/office/energy_supplier', 'RENT_AND_UTILITIES'],
  ] as const)('when a brand is filed under %s, then it is %s', (path, category) => {
    expect(osmCategory(path)?.category).toBe(category);
  });

  it('when a brand is a department store and a supermarket, then the department store is what it mostly is', () => {
    expect(osmCategory('brands/shop/department_store')?.rank).toBeLessThan(osmCategory('brands/shop/supermarket')?.rank ?? 0);
  });

  it('when a tag names no business people pay (a bank, a power line), then it is not filed', () => {
    expect(osmCategory('brands/amenity/bank')).toBeUndefined();
    expect(osmCategory('operators/power/line')).toBeUndefined();
  });
});
