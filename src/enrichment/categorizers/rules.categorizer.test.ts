import { describe, it, expect } from 'vitest';
import { CATEGORY_NAMES, type Category } from '../../domain/taxonomy.js';
import type { CategorizableTransaction } from './categorizer.js';
import { RulesCategorizer, normalizeStatementText } from './rules.categorizer.js';
import { CATEGORY_RULES, type CategoryRule } from './rules.data.js';

const categorizer = new RulesCategorizer();

function tx(description: string | null, amount: string, merchantName: string | null = null): CategorizableTransaction {
  return { transactionId: 't1', accountId: 'a1', date: '2024-03-01', amount, currency: 'USD', merchantName, description };
}

/** [description, amount, merchant name] as a bank or aggregator sends them. */
type Line = readonly [string | null, string, (string | null)?];

const BY_CATEGORY: Record<Exclude<Category, 'UNCATEGORIZED'>, readonly Line[]> = {
  INCOME: [
    ['ACME CORP DES:PAYROLL ID:XXXXX1234 INDN:JANE DOE CO ID:XXXXX12345 PPD', '2500.00'],
    ['DIRECT DEP GUSTO 1234567', '1830.55'],
    ['BANK GIRO CREDIT REF ACME LTD SALARY', '2200.00'],
    ['INTEREST PAYMENT', '1.23'],
    ['IRS TREAS 310 TAX REF', '812.00'],
    ['DIVIDEND VANGUARD TOTAL STOCK', '44.10'],
    ['SEPA-Gutschrift Gehalt 11/2023 Musterfirma GmbH', '3100.00'],
  ],
  TRANSFER_IN: [
    ['ZELLE FROM JOHN SMITH ON 11/02 REF # PP0ABC123', '50.00'],
    ['VENMO CASHOUT PPD ID: 1234', '120.00'],
    ['ONLINE TRANSFER FROM SAV XXXXXX1234 REF #IB0ABCD', '200.00'],
    ['MOBILE DEPOSIT : REF NUMBER :123456789', '400.00'],
    ['ATM CASH DEPOSIT 11/02 123 MAIN ST', '300.00'],
    ['FASTER PAYMENTS RECEIPT REF DINNER FROM J SMITH', '25.00'],
  ],
  TRANSFER_OUT: [
    ['ATM WITHDRAWAL 11/02 1234 MAIN ST NEW YORK NY CARD 1234', '-100.00'],
    ['ZELLE TO JANE DOE ON 11/02 REF # ABC', '-40.00'],
    ['ONLINE TRANSFER TO SAVINGS XXXXXX4321', '-500.00'],
    ['STANDING ORDER TO J SMITH', '-75.00'],
    ['VANGUARD BUY INVESTMENT', '-1000.00'],
    ['CASH WITHDRAWAL BARCLAYS BANK 12MAR', '-60.00'],
  ],
  LOAN_PAYMENTS: [
    ['CHASE CREDIT CRD AUTOPAY PPD ID: 4760039224', '-350.00'],
    ['AMEX EPAYMENT ACH PMT', '-1200.00'],
    ['NAVIENT PAYMENT', '-220.00'],
    ['ROCKET MORTGAGE MTG PYMT', '-1850.00'],
    ['TOYOTA FINANCIAL SERVICES PAYMENT', '-400.00'],
    ['PAYMENT THANK YOU', '500.00'],
    ['LOAN REPAYMENT 123456', '-300.00'],
  ],
  BANK_FEES: [
    ['MONTHLY MAINTENANCE FEE', '-12.00'],
    ['OVERDRAFT ITEM FEE FOR ACTIVITY OF 11-02 ELECTRONIC TRANSACTION POSTING DATE 11-02-23', '-35.00'],
    ['FOREIGN TRANSACTION FEE STARBUCKS LONDON', '-0.15'],
    ['NON-CHASE ATM FEE-WITH', '-2.50'],
    ['INTEREST CHARGE ON PURCHASES', '-18.20'],
    ['SERVICE CHARGE', '-5.00'],
    ['NSF RETURNED ITEM FEE', '-34.00'],
  ],
  ENTERTAINMENT: [
    ['NETFLIX.COM 866-579-7172 CA', '-15.49'],
    ['SPOTIFY USA', '-10.99', 'Spotify'],
    ['APPLE.COM/BILL 866-712-7753 CA', '-2.99'],
    ['TICKETMASTER *EVENT 800-653-8000', '-120.00'],
    ['STEAMGAMES.COM 4259522985 WA', '-19.99'],
    ['AMC 1234 ONLINE', '-30.00'],
    ['DRAFTKINGS', '-20.00'],
  ],
  FOOD_AND_DRINK: [
    ['STARBUCKS STORE 12345 SEATTLE WA', '-5.40'],
    ['SQ *BLUE BOTTLE COFFEE OAKLAND CA', '-6.00'],
    ['TST* SHAKE SHACK 123 NEW YORK NY', '-18.75'],
    ['DOORDASH*CHIPOTLE', '-24.10'],
    ['KROGER #1234 CINCINNATI OH', '-84.33'],
    ['TESCO STORES 3456 LONDON', '-32.10'],
    ['Albert Heijn 1234 AMSTERDAM', '-21.80'],
    ["MCDONALD'S F12345", '-9.20'],
  ],
  GENERAL_MERCHANDISE: [
    ['AMZN Mktp US*2K3LJ4ZX1 Amzn.com/bill WA', '-34.99'],
    ['TARGET 00012345 MINNEAPOLIS MN', '-56.12'],
    ['WAL-MART #1234', '-71.00'],
    ['EBAY O*12-34567-89012', '-15.00'],
    ['BEST BUY 00012345', '-299.99'],
    ['PRIMARK LONDON', '-22.00'],
  ],
  HOME_IMPROVEMENT: [
    ['THE HOME DEPOT #1234 ATLANTA GA', '-143.20'],
    ["LOWE'S #1234", '-88.00'],
    ['IKEA BROOKLYN', '-249.00'],
    ['B&Q 1234 SOUTHAMPTON', '-37.50'],
    ['WAYFAIR*WAYFAIR4567', '-410.00'],
    ['ACE HARDWARE 12345', '-12.99'],
  ],
  MEDICAL: [
    ['CVS/PHARMACY #12345', '-14.29'],
    ['WALGREENS #1234', '-8.99'],
    ['BOOTS 1234 MANCHESTER', '-11.50'],
    ['SMILE DENTAL CARE', '-150.00'],
    ['CITY URGENT CARE CLINIC', '-75.00'],
    ['APOTHEKE AM MARKT', '-9.80'],
  ],
  PERSONAL_CARE: [
    ['PLANET FITNESS CLUB FEES', '-24.99'],
    ['PUREGYM LTD', '-19.99'],
    ['GREAT CLIPS #1234', '-18.00'],
    ['SQ *THE BARBER SHOP', '-30.00'],
    ['SPARKLE LAUNDROMAT', '-6.50'],
    ['NAIL SALON & SPA', '-45.00'],
  ],
  GENERAL_SERVICES: [
    ['GEICO *AUTO', '-132.00'],
    ['STATE FARM INSURANCE', '-98.00'],
    ['USPS PO 1234567890', '-8.95'],
    ['UDEMY ONLINE COURSES', '-12.99'],
    ['JIFFY LUBE #1234', '-59.99'],
    ['CITY UNIVERSITY TUITION', '-2400.00'],
    ['H&R BLOCK', '-89.00'],
  ],
  GOVERNMENT_AND_NON_PROFIT: [
    ['IRS USATAXPYMT 2200XXXX', '-1500.00'],
    ['HMRC SELF ASSESSMENT', '-980.00'],
    ['DMV CA RENEWAL', '-65.00'],
    ['COUNCIL TAX LBH', '-140.00'],
    ['GOFUNDME *HELP JANE', '-25.00'],
    ['RED CROSS DONATION', '-50.00'],
  ],
  TRANSPORTATION: [
    ['UBER *TRIP HELP.UBER.COM', '-14.20'],
    ['LYFT *RIDE SUN 8PM', '-11.35'],
    ['SHELL OIL 57442 HOUSTON TX', '-41.00'],
    ['CHEVRON 0093847', '-52.30'],
    ['MTA*NYCT PAYGO NEW YORK NY', '-2.90'],
    ['TFL TRAVEL CH TFL.GOV.UK/CP', '-7.40'],
    ['DB Vertrieb GmbH Frankfurt', '-89.90'],
    ['PARKMOBILE', '-4.50'],
    ['E-ZPASS REPLENISH', '-25.00'],
  ],
  TRAVEL: [
    ['DELTA AIR 0062345678901', '-412.00'],
    ['UNITED AIRLINES 0162345678901', '-388.00'],
    ['RYANAIR DUBLIN', '-49.99'],
    ['MARRIOTT HOTEL BOSTON', '-289.00'],
    ['AIRBNB * HMABC123', '-540.00'],
    ['BOOKING.COM HOTEL', '-120.00'],
    ['HERTZ RENT-A-CAR', '-210.00'],
  ],
  RENT_AND_UTILITIES: [
    ['COMCAST CABLE COMM', '-89.99'],
    ['VERIZON WIRELESS PAYMENTS', '-75.00'],
    ['CON ED OF NY INTELL CK', '-112.40'],
    ['THAMES WATER DD', '-38.00'],
    ['BRITISH GAS', '-65.00'],
    ['RENT PAYMENT APT 4B', '-1800.00'],
    ['VODAFONE LIMITED', '-30.00'],
  ],
};

/** Lines for the rules the category table above does not reach: [rule id, description, amount]. */
const RULE_LINES: readonly (readonly [string, string, string])[] = [
  ['benefits-and-pension', 'SSA TREAS 310 XXSOC SEC', '1420.00'],
  ['other-income', 'EXPENSES CLAIM ACME LTD', '84.20'],
  ['gambling-winnings', 'WILLIAM HILL PAYOUT', '250.00'],
  ['sweep-in', 'AUTO SWEEP FROM 4411', '500.00'],
  ['deposit-generic', 'DEPOSIT 0412', '300.00'],
  ['savings-in', 'FROM SAVINGS POT', '150.00'],
  ['loan-disbursement', 'CASH ADVANCE CREDIT', '1000.00'],
  ['transfer-in', 'GUTSCHRIFT M MUSTERMANN', '75.00'],
  ['sweep-out', 'AUTO SWEEP TO 4411', '-500.00'],
  ['pension-contribution', 'SUPERANNUATION CONTRIBUTION', '-400.00'],
  ['personal-loan-brand', 'AFFIRM INC PAYMENT', '-89.00'],
  ['fee', 'LATE PAYMENT PENALTY', '-25.00'],
  ['entertainment-keyword', 'CITY BOWLING LANES', '-32.00'],
  ['tickets', 'SPRING FAIR TIX', '-18.00'],
  ['grocery-compound', 'AMAZON FRESH 1234', '-64.10'],
  ['food-keyword', 'BLUE DOOR BAKERY', '-8.50'],
  ['food-generic', 'THE CORNER GRILL', '-24.00'],
  ['merchandise-keyword', 'HILLTOP BOOKSTORE', '-19.99'],
  ['shop-generic', 'GREEN VALLEY TRADING', '-12.00'],
  ['home-keyword', 'OAKS HARDWARE', '-42.00'],
  ['postage-keyword', 'PARCEL SHIPPING CENTRE', '-9.80'],
  ['automotive-keyword', 'QUICK LUBE OIL CHANGE', '-49.99'],
  ['cloud-compound', 'AMAZON WEB SERVICES AWS', '-12.40'],
  ['professional-services', 'SMITH & CO ACCOUNTANTS', '-350.00'],
  ['donation-keyword', 'DONATION ST MARYS', '-20.00'],
  ['fuel-compound', 'COSTCO GAS #123', '-48.00'],
  ['fuel-keyword', 'MAIN STREET FILLING STATION', '-40.00'],
  ['travel-keyword', 'SEASIDE GUEST HOUSE', '-120.00'],
  ['utility-bill', 'CITY WATER DEPT UTILITY BILL', '-64.00'],
  ['utilities-keyword', 'RIVERSIDE ELECTRIC', '-88.00'],
  ['interest-charged', 'DEBIT INT CHARGE', '-12.30'],
];

describe('RulesCategorizer categories', () => {
  for (const [category, lines] of Object.entries(BY_CATEGORY)) {
    describe(category, () => {
      const cases = lines.map(([description, amount, merchant]) => ({ description, amount, merchant: merchant ?? null }));
      it.each(cases)(`when the line is $description (amount $amount), then the category is ${category}`, async ({ description, amount, merchant }) => {
        const result = await categorizer.categorize(tx(description, amount, merchant));
        expect(result.category).toBe(category);
        expect(result.source).toMatch(/^rules:[a-z0-9-]+$/);
        expect(result.confidence).toBeGreaterThan(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
      });
    });
  }

  it('when every category is listed, then each of the 16 has at least one rule and at least five test lines', () => {
    for (const category of CATEGORY_NAMES.filter((c) => c !== 'UNCATEGORIZED')) {
      expect(CATEGORY_RULES.some((rule) => rule.category === category), category).toBe(true);
      expect(BY_CATEGORY[category as keyof typeof BY_CATEGORY].length, category).toBeGreaterThanOrEqual(5);
    }
  });
});

describe('normalizeStatementText', () => {
  it.each([
    ['SQ *BLUE BOTTLE COFFEE', 'BLUE BOTTLE COFFEE'],
    ["TST* JOE'S PIZZA", 'JOES PIZZA'],
    ['PAYPAL *NETFLIX', 'NETFLIX'],
    ['PP*SPOTIFY', 'SPOTIFY'],
    ['SP * ALLBIRDS', 'ALLBIRDS'],
    ['POS PURCHASE WHOLE FOODS', 'WHOLE FOODS'],
    ['POS DEBIT TARGET 1234', 'TARGET'],
    ['CHECKCARD 1102 SHELL OIL 57442 HOUSTON TX', 'SHELL OIL HOUSTON'],
    ['DEBIT CARD PURCHASE - KROGER #123', 'KROGER'],
    ['PURCHASE AUTHORIZED ON 11/02 STARBUCKS STORE 12345 SEATTLE WA CARD 1234', 'STARBUCKS SEATTLE'],
    ['POS PURCHASE SQ *BLUE BOTTLE', 'BLUE BOTTLE'],
    ['CARD PAYMENT TO TESCO STORES ON 12 MAR', 'TESCO STORES ON'],
  ])('when the text is %j, then processor prefixes and numbers are stripped to %j', (input, expected) => {
    expect(normalizeStatementText(input)).toBe(expected);
  });

  it('when the text has accents, punctuation and ampersands, then it becomes plain upper-case words with & kept', () => {
    expect(normalizeStatementText('Café Müller, Köln')).toBe('CAFE MULLER KOLN');
    expect(normalizeStatementText('AT&T*BILL PAYMENT')).toBe('AT & T BILL PAYMENT');
    expect(normalizeStatementText('  lots   of\tspace  ')).toBe('LOTS OF SPACE');
  });

  it('when a word mixes letters and digits like a brand, then it is kept; when it looks like a reference, then it is dropped', () => {
    expect(normalizeStatementText('7-ELEVEN 34567')).toBe('7 ELEVEN');
    expect(normalizeStatementText('24 HOUR FITNESS')).toBe('24 HOUR FITNESS');
    expect(normalizeStatementText('AMZN Mktp US*2K3LJ4ZX1')).toBe('AMZN MKTP');
  });
});

describe('RulesCategorizer prefix handling', () => {
  it.each([
    ['SQ *STARBUCKS 123'],
    ['POS PURCHASE STARBUCKS'],
    ['CHECKCARD 0311 STARBUCKS STORE 12345'],
    ['PURCHASE AUTHORIZED ON 03/11 STARBUCKS CARD 9876'],
    ['PAYPAL *STARBUCKS'],
  ])('when the brand hides behind a processor prefix (%j), then it is still found', async (description) => {
    const result = await categorizer.categorize(tx(description, '-5.00'));
    expect(result).toMatchObject({ category: 'FOOD_AND_DRINK', source: 'rules:coffee-chain' });
  });
});

describe('RulesCategorizer sign handling', () => {
  it('when a transfer is money in, then TRANSFER_IN; when money out, then TRANSFER_OUT', async () => {
    expect((await categorizer.categorize(tx('ONLINE TRANSFER REF 123', '100.00'))).category).toBe('TRANSFER_IN');
    expect((await categorizer.categorize(tx('ONLINE TRANSFER REF 123', '-100.00'))).category).toBe('TRANSFER_OUT');
    expect((await categorizer.categorize(tx('VENMO', '20.00'))).category).toBe('TRANSFER_IN');
    expect((await categorizer.categorize(tx('VENMO', '-20.00'))).category).toBe('TRANSFER_OUT');
  });

  it('when PAYROLL is money in, then INCOME; when it is money out, then not INCOME', async () => {
    expect((await categorizer.categorize(tx('ACME PAYROLL', '2000.00'))).category).toBe('INCOME');
    expect((await categorizer.categorize(tx('ACME PAYROLL', '-2000.00'))).category).not.toBe('INCOME');
  });

  it('when interest is money in, then INCOME; when money out, then BANK_FEES (interest charged)', async () => {
    expect((await categorizer.categorize(tx('INTEREST', '3.10'))).category).toBe('INCOME');
    expect((await categorizer.categorize(tx('INTEREST', '-3.10'))).category).toBe('BANK_FEES');
  });

  it('when a merchant refunds money, then the refund keeps the merchant category', async () => {
    expect((await categorizer.categorize(tx('STARBUCKS REFUND', '5.40'))).category).toBe('FOOD_AND_DRINK');
    expect((await categorizer.categorize(tx('AMAZON.COM REFUND', '34.99'))).category).toBe('GENERAL_MERCHANDISE');
    expect((await categorizer.categorize(tx('MONTHLY FEE REVERSAL', '12.00'))).category).toBe('BANK_FEES');
  });

  it('when a betting site takes money, then ENTERTAINMENT; when it pays out, then INCOME', async () => {
    expect((await categorizer.categorize(tx('DRAFTKINGS', '-20.00'))).category).toBe('ENTERTAINMENT');
    expect((await categorizer.categorize(tx('DRAFTKINGS', '200.00'))).category).toBe('INCOME');
  });

  it('when the amount is zero, then direction-bound rules do not apply', async () => {
    expect((await categorizer.categorize(tx('ONLINE TRANSFER', '0.00'))).category).toBe('UNCATEGORIZED');
  });
});

describe('RulesCategorizer uncategorized', () => {
  it.each([['XQZT 9981 LKJH'], ['ajsdkfj qwoeiru zxcv'], ['']])('when the line is gibberish (%j), then UNCATEGORIZED with no confidence', async (description) => {
    expect(await categorizer.categorize(tx(description, '-12.00'))).toEqual({ category: 'UNCATEGORIZED', confidence: 0, source: 'rules:none' });
  });

  it('when there is neither a merchant nor a description, then UNCATEGORIZED', async () => {
    expect((await categorizer.categorize(tx(null, '-1.00', null))).category).toBe('UNCATEGORIZED');
  });
});

describe('RulesCategorizer confidence', () => {
  it('when a brand is the whole merchant name, then confidence is higher than a brand inside a description', async () => {
    const exact = await categorizer.categorize(tx(null, '-5.00', 'Starbucks'));
    const inDescription = await categorizer.categorize(tx('STARBUCKS STORE 123 SEATTLE', '-5.00'));
    expect(exact.confidence).toBeGreaterThan(inDescription.confidence);
    expect(exact.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('when a brand matches, then confidence is higher than for a keyword, which is higher than for a generic word', async () => {
    const brand = await categorizer.categorize(tx('STARBUCKS STORE 123', '-5.00'));
    const keyword = await categorizer.categorize(tx('CORNER CAFE', '-5.00'));
    const generic = await categorizer.categorize(tx('THE RUSTY ANCHOR BAR', '-5.00'));
    const none = await categorizer.categorize(tx('XQZT LKJH', '-5.00'));
    expect([brand.category, keyword.category, generic.category]).toEqual(['FOOD_AND_DRINK', 'FOOD_AND_DRINK', 'FOOD_AND_DRINK']);
    expect(brand.confidence).toBeGreaterThan(keyword.confidence);
    expect(keyword.confidence).toBeGreaterThan(generic.confidence);
    expect(generic.confidence).toBeGreaterThan(none.confidence);
    expect(keyword.confidence).toBeGreaterThanOrEqual(0.6);
    expect(keyword.confidence).toBeLessThanOrEqual(0.8);
  });

  it('when the last word is a cut-off keyword, then the keyword category with a low confidence', async () => {
    const result = await categorizer.categorize(tx('POS PURCHASE CITY CENTRE PARKIN', '-15.00'));
    expect(result.category).toBe('TRANSPORTATION');
    expect(result.confidence).toBeLessThan(0.6);
  });
});

describe('RulesCategorizer priority and custom rules', () => {
  it('when a compound brand contains another brand, then the compound wins', async () => {
    expect((await categorizer.categorize(tx('UBER *EATS', '-30.00'))).category).toBe('FOOD_AND_DRINK');
    expect((await categorizer.categorize(tx('UBER *TRIP', '-30.00'))).category).toBe('TRANSPORTATION');
    expect((await categorizer.categorize(tx('AMAZON PRIME VIDEO', '-8.99'))).category).toBe('ENTERTAINMENT');
    expect((await categorizer.categorize(tx('COSTCO GAS #123', '-45.00'))).category).toBe('TRANSPORTATION');
  });

  it('when rules are passed to the constructor, then only they are used', async () => {
    const rules: CategoryRule[] = [
      { id: 'low', category: 'GENERAL_MERCHANDISE', priority: 1, description: ['WIDGET'] },
      { id: 'high', category: 'HOME_IMPROVEMENT', priority: 2, merchant: ['WIDGET WORLD'] },
    ];
    const custom = new RulesCategorizer(rules);
    expect(custom.name).toBe('rules');
    expect(await custom.categorize(tx('WIDGET WORLD 123', '-1.00'))).toMatchObject({ category: 'HOME_IMPROVEMENT', source: 'rules:high' });
    expect(await custom.categorize(tx('WIDGET', '-1.00'))).toMatchObject({ category: 'GENERAL_MERCHANDISE', source: 'rules:low' });
    expect((await custom.categorize(tx('STARBUCKS', '-1.00'))).category).toBe('UNCATEGORIZED');
  });

  it('when two rules share an id, then the constructor refuses them', () => {
    const rule: CategoryRule = { id: 'same', category: 'INCOME', priority: 1, description: ['X'] };
    expect(() => new RulesCategorizer([rule, rule])).toThrow(/duplicate rule id/);
  });
});

describe('RulesCategorizer rules', () => {
  it.each(RULE_LINES)('when the line for rule %s reads %j, then that rule decides it', (id, description, amount) => {
    expect(categorizer.categorizeSync({ amount, merchantName: null, description }).source).toBe(`rules:${id}`);
  });

  it('when every line of this file is categorized, then every rule id decides at least one of them', () => {
    const lines: Line[] = [...Object.values(BY_CATEGORY).flat(), ...RULE_LINES.map(([, description, amount]) => [description, amount] as const)];
    const decided = new Set(lines.map(([description, amount, merchantName]) => categorizer.categorizeSync({ amount, merchantName: merchantName ?? null, description }).source));
    expect(CATEGORY_RULES.map((rule) => `rules:${rule.id}`).filter((source) => !decided.has(source))).toEqual([]);
  });
});
