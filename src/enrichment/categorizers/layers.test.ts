import { describe, expect, it } from 'vitest';
import { BrandIndex } from './brands/brand-index.js';
import type { CategorizableTransaction } from './categorizer.js';
import { describeLine } from './layer.js';
import { brandLayer, CONFIDENCE, lexiconLayer, mccLayer, RULE_BANDS, rulesLayer } from './layers.js';
import { LexiconIndex } from './lexicon.js';
import { RulesCategorizer } from './rules.categorizer.js';

/** A small brand index written here, so each case shows the data it relies on. */
const brands = new BrandIndex({
  version: 'brands@test',
  columns: ['key', 'category', 'rank', 'countries', 'commonWord'],
  brands: [
    ['ENGEN', 'TRANSPORTATION', 3, 'za', 0],
    ['CLICKS', 'MEDICAL', 3, 'za', 1],
    ['SHELL', 'TRANSPORTATION', 3, '*', 1],
    ['SHELL', 'GENERAL_MERCHANDISE', 4, '*', 1],
    ['SHELL', 'GENERAL_SERVICES', 5, '*', 1],
    ['TESCO', 'FOOD_AND_DRINK', 2, '*', 0],
    ['TESCO', 'TRANSPORTATION', 3, 'cz gb sk', 0],
    ['DIS CHEM', 'MEDICAL', 3, 'za', 0],
    ['SEATTLE COFFEE', 'FOOD_AND_DRINK', 4, 'za', 0],
    ['WOOLWORTHS', 'GENERAL_MERCHANDISE', 4, 'za', 0],
    ['WOOLWORTHS', 'FOOD_AND_DRINK', 2, 'au', 0],
  ],
});
const lexicon = new LexiconIndex();

function line(description: string, currency = 'ZAR', extra: Partial<CategorizableTransaction> = {}) {
  return describeLine({ transactionId: 't', accountId: 'a', date: '2026-01-01', amount: '-10.00', currency, merchantName: null, description, ...extra });
}

describe('brand layer at the start of the merchant', () => {
  const layer = brandLayer(brands, lexicon, 'start');

  it('when the line starts with a brand of the market, then the brand decides with a sure confidence', () => {
    expect(layer.categorize(line('POS Purchase Engen Mitchell Park  * 07 Oct'))).toEqual({ category: 'TRANSPORTATION', confidence: CONFIDENCE.brandSure, source: 'rules:brand:ENGEN', brand: 'ENGEN' });
  });

  it('when the brand trades only in another market, then it is not matched', () => {
    expect(layer.categorize(line('CARD PAYMENT TO ENGEN', 'GBP'))).toBeUndefined();
  });

  it('when the brand name is also a common word, then it answers with less confidence', () => {
    expect(layer.categorize(line('POS Purchase Clicks Menlyn  * 12 Sep'))?.confidence).toBe(CONFIDENCE.brandCommonWord);
  });

  it('when the line glues or splits a brand name differently, then the name still matches', () => {
    expect(layer.categorize(line('POS Purchase Dischem Ballito  * 08 Oct'))?.category).toBe('MEDICAL');
  });

  it('when the terminal cut the last word of a brand of several words, then the brand still matches', () => {
    expect(layer.categorize(line('POS Purchase Seattle Coff  * 01 Sep'))?.category).toBe('FOOD_AND_DRINK');
    expect(layer.categorize(line('POS Purchase Seattle Co  * 28 Aug'))).toBeUndefined();
  });

  it('when a brand has several categories, then the line wording decides', () => {
    expect(layer.categorize(line('SHELL CAR WASH SANDTON', 'ZAR'))).toEqual({ category: 'GENERAL_SERVICES', confidence: CONFIDENCE.brandByWording, source: 'rules:brand:SHELL', brand: 'SHELL' });
    expect(layer.categorize(line('SHELL SANDTON', 'ZAR'))).toEqual({ category: 'TRANSPORTATION', confidence: CONFIDENCE.brandMostly, source: 'rules:brand:SHELL', brand: 'SHELL' });
  });

  it('when a grocer also runs fuel stations, then a line that names no fuel is the grocer', () => {
    expect(layer.categorize(line('CARD PAYMENT TO TESCO STORES 3297', 'GBP'))).toEqual({ category: 'FOOD_AND_DRINK', confidence: CONFIDENCE.brandMostly, source: 'rules:brand:TESCO', brand: 'TESCO' });
    expect(layer.categorize(line('TESCO PFS 3297 PETROL', 'GBP'))?.category).toBe('TRANSPORTATION');
  });

  it('when a reviewed override says what a brand is sold for, then it beats the index tag', () => {
    expect(layer.categorize(line('WOOLWORTHS MENLYN'))?.category).toBe('FOOD_AND_DRINK');
  });
});

describe('brand layer inside the line', () => {
  const layer = brandLayer(brands, lexicon, 'inside');

  it('when a distinctive brand stands after other words, then it answers with low confidence', () => {
    expect(layer.categorize(line('DIGITAL PAYMENT DT ABSA BANK DIS CHEM'))).toEqual({ category: 'MEDICAL', confidence: CONFIDENCE.brandInside, source: 'rules:brand:DIS CHEM', brand: 'DIS CHEM' });
  });

  it('when only a common-word brand stands inside the line, then it is not trusted', () => {
    expect(layer.categorize(line('PAYMENT FOR CLICKS AND LIKES'))).toBeUndefined();
  });
});

describe('lexicon layer', () => {
  const layer = lexiconLayer(lexicon);

  it.each([
    ['Kartenzahlung Stadtapotheke Bonn', 'EUR', 'MEDICAL'],
    ['CB BOULANGERIE DUPONT PARIS', 'EUR', 'FOOD_AND_DRINK'],
    ['BEA Bakkerij Jansen Utrecht', 'EUR', 'FOOD_AND_DRINK'],
    ['COMPRA FARMACIA LOPEZ SEVILLA', 'EUR', 'MEDICAL'],
    ['Pagamento POS Ristorante Da Mario', 'EUR', 'FOOD_AND_DRINK'],
    ['POS Purchase Slaghuis Oos  * 02 Oct', 'ZAR', 'FOOD_AND_DRINK'],
    ['Kartenzahlung Tankstelle Meier', 'EUR', 'TRANSPORTATION'],
    ['PAGAMENTO POS TALHO CENTRAL LISBOA', 'EUR', 'FOOD_AND_DRINK'],
    ['Yoco *Vleis En Wors Plek', 'ZAR', 'FOOD_AND_DRINK'],
    ['FNB App Rtc Pmt To Highveld Fireplaces', 'ZAR', 'HOME_IMPROVEMENT'],
    ['POS Purchase Zwartkop Country Club  * 10 Sep', 'ZAR', 'ENTERTAINMENT'],
    ['FNB App Payment To Gemeente Tiende', 'ZAR', 'GOVERNMENT_AND_NON_PROFIT'],
    ['KORTKÖP 260401 SÖDERS BAGERI', 'SEK', 'FOOD_AND_DRINK'],
    ['VISA VARE 1234 02.04 TANNLEGENE PÅ TORGET', 'NOK', 'MEDICAL'],
    ['BS ALKA FORSIKRING', 'DKK', 'GENERAL_SERVICES'],
    ['POS PURCHASE MAMA BISI BUKA YABA', 'NGN', 'FOOD_AND_DRINK'],
    ['NETS QR MAXWELL HAWKER CENTRE', 'SGD', 'FOOD_AND_DRINK'],
    ['SQ *EASTSIDE COLLISION CENTER', 'USD', 'GENERAL_SERVICES'],
    ['VIS THE OLD MILL TEA ROOMS', 'GBP', 'FOOD_AND_DRINK'],
  ] as const)('when the line reads %j (%s), then it is %s', (description, currency, category) => {
    expect(layer.categorize(line(description, currency))?.category).toBe(category);
  });

  it('when words of two kinds of business stand in one line, then the first decides with low confidence', () => {
    expect(layer.categorize(line('HOTEL RESTAURANT ZUR POST'))).toEqual({ category: 'TRAVEL', confidence: CONFIDENCE.lexiconMixed, source: 'rules:lexicon:HOTEL' });
  });

  it('when the terminal cut a word that names a business, then its start still counts, weakly', () => {
    expect(layer.categorize(line('POS Purchase Market Theatr  * 02 Nov'))).toEqual({ category: 'ENTERTAINMENT', confidence: CONFIDENCE.lexiconCut, source: 'rules:lexicon:THEATR' });
  });

  it('when no word names a business, then it does not answer', () => {
    expect(layer.categorize(line('Byc Debit'))).toBeUndefined();
  });
});

describe('merchant category code layer', () => {
  const layer = mccLayer();

  it('when the feed sends a known code, then it decides', () => {
    expect(layer.categorize(line('XQZV', 'USD', { mcc: '5541' }))).toEqual({ category: 'TRANSPORTATION', confidence: CONFIDENCE.mcc, source: 'rules:mcc:5541' });
  });

  it('when an ATM code comes with money in, then it does not call a refund a withdrawal', () => {
    expect(layer.categorize(line('XQZV', 'USD', { mcc: '6011', amount: '20.00' }))).toBeUndefined();
  });

  it('when no code or a malformed one is sent, then it does not answer', () => {
    expect(layer.categorize(line('XQZV', 'USD'))).toBeUndefined();
    expect(layer.categorize(line('XQZV', 'USD', { mcc: 'food' }))).toBeUndefined();
  });
});

describe('rules layers by band', () => {
  const rules = new RulesCategorizer();

  it('when bank wording decides a line, then the strong band answers it', () => {
    expect(rulesLayer(rules, RULE_BANDS.strong).categorize(line('Monthly Account Fee'))).toEqual({ category: 'BANK_FEES', confidence: CONFIDENCE.rulesBankWording, source: 'rules:bank-fee' });
  });

  it('when only a keyword decides a line, then the strong band passes and the keyword band answers', () => {
    const l = line('SMITHS PHARMACY');
    expect(rulesLayer(rules, RULE_BANDS.strong).categorize(l)).toBeUndefined();
    expect(rulesLayer(rules, RULE_BANDS.keywords).categorize(l)).toEqual({ category: 'MEDICAL', confidence: CONFIDENCE.rulesKeyword, source: 'rules:medical-keyword' });
  });
});

describe('brand layer, glued and common words', () => {
  it('when a distinctive brand is glued to the letters after it, then the weak brand layer finds it', () => {
    expect(brandLayer(brands, lexicon, 'inside').categorize(line('Debit Order Engenshop 1234'))).toEqual({ category: 'TRANSPORTATION', confidence: CONFIDENCE.brandInside, source: 'rules:brand:ENGEN', brand: 'ENGEN' });
    expect(brandLayer(brands, lexicon, 'start').categorize(line('Debit Order Engenshop 1234'))).toBeUndefined();
  });

  it('when a brand that is a common word stands beside a word naming another business, then it gives way', () => {
    expect(brandLayer(brands, lexicon, 'start').categorize(line('CLICKS INSURANCE BROKERS'))).toBeUndefined();
  });
});
