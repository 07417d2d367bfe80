import { describe, expect, it } from 'vitest';
import type { CategorizableTransaction } from './categorizer.js';
import type { CategorizationLayer } from './layer.js';
import { LayeredCategorizer, standardLayers } from './layered.categorizer.js';

const layered = new LayeredCategorizer();

function tx(description: string, amount: string, currency: string, extra: Partial<CategorizableTransaction> = {}): CategorizableTransaction {
  return { transactionId: 't1', accountId: 'a1', date: '2026-03-01', amount, currency, merchantName: null, description, ...extra };
}

describe('LayeredCategorizer', () => {
  it('when asked its version, then it names the layers and the brand data it runs', () => {
    expect(layered.version).toMatch(/^layered@\d+\+brands@\d{8}$/);
  });

  it.each([
    ['POS Purchase Engen Montclair  * 07 Oct', '-450.00', 'ZAR', 'TRANSPORTATION'],
    ['POS Purchase Clicks Menlyn  * 12 Sep', '-89.90', 'ZAR', 'MEDICAL'],
    ['Kartenzahlung REWE Markt GmbH 12.03.2026', '-54.12', 'EUR', 'FOOD_AND_DRINK'],
    ['CB BOULANGERIE MARTIN LYON', '-6.40', 'EUR', 'FOOD_AND_DRINK'],
    ['Debit Order Vodacom 123456', '-399.00', 'ZAR', 'RENT_AND_UTILITIES'],
    ['Monthly Account Fee', '-5.00', 'ZAR', 'BANK_FEES'],
    ['VIS SAINSBURYS S/MKTS', '-23.45', 'GBP', 'FOOD_AND_DRINK'],
    // Japanese passbook and shop words are read as the Latin words they mean.
    ['口座振替 関西電力', '-7800', 'JPY', 'RENT_AND_UTILITIES'],
    ['給与振込 カ)サクラショウジ', '312000', 'JPY', 'INCOME'],
    ['ＡＴＭ手数料', '-110', 'JPY', 'BANK_FEES'],
    ['ひまわり歯科医院', '-3500', 'JPY', 'MEDICAL'],
    // A brand in Latin letters among words of another script is still the brand.
    ['デビット GU 池袋', '-2990', 'JPY', 'GENERAL_MERCHANDISE'],
    // A wallet that pays a shop is the shop; the same wallet between people is a transfer, not the MOBIL fuel brand.
    ['VIPPS *KAFFEBAR SENTRUM', '-59.00', 'NOK', 'FOOD_AND_DRINK'],
    ['MOBILEPAY OLSEN', '-100.00', 'DKK', 'TRANSFER_OUT'],
    // JAL at the end of a Mexican line is Jalisco, not Japan Airlines; OXXO in Mexico is the convenience store.
    ['PEMEX ES 10234 ZAPOPAN JAL', '-700.00', 'MXN', 'TRANSPORTATION'],
    ['COMPRA OXXO SAN ANGEL CDMX', '-45.00', 'MXN', 'GENERAL_MERCHANDISE'],
    // A day-care named after sprouts is not the Sprouts grocer.
    ['HAPPY SPROUTS CHILD CARE DES:WEB PMT ID:XXXXX1234 INDN:JOHN DOE CO ID:XXXXX WEB', '-250.00', 'USD', 'GENERAL_SERVICES'],
    ['SPROUTS FARMERS MAR 123 PHOENIX AZ', '-64.20', 'USD', 'FOOD_AND_DRINK'],
    ['PAGAMENTO FATURA CARTAO ITAU', '-2100.00', 'BRL', 'LOAN_PAYMENTS'],
    ['SAQUE BANCO24HORAS AG 1234', '-200.00', 'BRL', 'TRANSFER_OUT'],
    ['PAGTO SALARIO CONSTRUTORA ALFA', '4200.00', 'BRL', 'INCOME'],
    ['RETIRO CAJERO AUTOMATICO SANTANDER', '-1500.00', 'MXN', 'TRANSFER_OUT'],
  ] as const)('when a %s line of %s %s arrives, then it is %s', async (description, amount, currency, category) => {
    expect((await layered.categorize(tx(description, amount, currency))).category).toBe(category);
  });

  it('when nothing knows the line, then it is UNCATEGORIZED with confidence 0', async () => {
    expect(await layered.categorize(tx('POS Purchase Xqzv Wplk  * 01 Oct', '-10.00', 'ZAR'))).toEqual({ category: 'UNCATEGORIZED', confidence: 0, source: 'rules:none' });
  });

  it('when the feed sends a merchant category code, then the code decides a line nothing else knows', async () => {
    expect(await layered.categorize(tx('POS PURCHASE XQZV WPLK', '-27.12', 'USD', { mcc: '5812' }))).toEqual({ category: 'FOOD_AND_DRINK', confidence: 0.9, source: 'rules:mcc:5812' });
  });

  it('when a layer is put before the standard ones, then its answer wins and the others are not asked', async () => {
    const memory: CategorizationLayer = {
      name: 'memory',
      categorize: (line) => (line.merchant.key === 'ENGEN MONTCLAIR' ? { category: 'FOOD_AND_DRINK', confidence: 0.99, source: 'memory:1' } : undefined),
    };
    const withMemory = new LayeredCategorizer({ before: [memory], standard: standardLayers() });
    expect(await withMemory.categorize(tx('POS Purchase Engen Montclair  * 07 Oct', '-45.00', 'ZAR'))).toEqual({ category: 'FOOD_AND_DRINK', confidence: 0.99, source: 'memory:1' });
    expect((await withMemory.categorize(tx('POS Purchase Engen Umhlanga  * 07 Oct', '-45.00', 'ZAR'))).category).toBe('TRANSPORTATION');
  });

  it('when a layer sits between the strong and the weak layers, then it answers only what the strong ones did not', async () => {
    const model: CategorizationLayer = { name: 'model', categorize: async () => ({ category: 'TRAVEL', confidence: 0.7, source: 'model:v1' }) };
    const withModel = new LayeredCategorizer({ between: [model] });
    expect((await withModel.categorize(tx('POS Purchase Engen Montclair  * 07 Oct', '-45.00', 'ZAR'))).category).toBe('TRANSPORTATION');
    expect(await withModel.categorize(tx('CB BOULANGERIE MARTIN LYON', '-6.40', 'EUR'))).toEqual({ category: 'TRAVEL', confidence: 0.7, source: 'model:v1' });
  });

  it('when only a strong answer is wanted, then a brand or bank wording gives one and a keyword guess does not', () => {
    expect(layered.strongOnly(tx('POS Purchase Engen Montclair  * 07 Oct', '-45.00', 'ZAR'))?.confidence).toBeGreaterThanOrEqual(0.9);
    expect(layered.strongOnly(tx('CB BOULANGERIE MARTIN LYON', '-6.40', 'EUR'))).toBeUndefined();
    expect(layered.weakOnly(tx('CB BOULANGERIE MARTIN LYON', '-6.40', 'EUR'))?.category).toBe('FOOD_AND_DRINK');
  });

  it('when the worker gives up on a call, then the categorizer stops with the abort reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('lease ends'));
    await expect(layered.categorize(tx('Monthly Account Fee', '-5.00', 'ZAR'), controller.signal)).rejects.toThrow('lease ends');
  });
});
