import { describe, expect, it } from 'vitest';
import { RulesCategorizer } from './rules.categorizer.js';
import { CATEGORY_RULES } from './rules.data.js';
import { MARKET_RULES } from './rules.markets.data.js';

const rules = new RulesCategorizer([...CATEGORY_RULES, ...MARKET_RULES]);

/** One line per market rule: [rule id, line, amount]. */
const CASES: readonly (readonly [string, string, string])[] = [
  ['bank-fee-markets', 'COTISATION CARTE VISA PREMIER', '-4.50'],
  ['interest-on-debit-balance', 'Int On Debit Bal', '-84.10'],
  ['interest-on-credit-balance', 'Int On Credit Bal', '12.40'],
  ['faster-payment-in', 'FPI SARAH JONES REF CINEMA', '25.00'],
  ['faster-payment-out', 'FPO JOHN SMITH REF DINNER', '-60.00'],
  ['app-payment-za', 'FNB App Rtc Pmt To J Smith', '-500.00'],
  ['credit-za', 'Realtime Credit J Smith', '350.00'],
  ['instant-payment-out', 'PIX ENVIADO FULANO DE TAL', '-100.00'],
  ['instant-payment-in', 'SPEI RECIBIDO HSBC 0021 LAURA GOMEZ', '900.00'],
  ['instant-payment-out-ng', 'NIP TO BOLA ADEYEMI/UBA', '-20000.00'],
  ['instant-payment-in-ng', 'NIP FROM IBRAHIM MUSA/FIRSTBANK', '15000.00'],
  ['p2p-out-nordic', 'SWISH BETALNING NILSSON KARIN', '-300.00'],
  ['p2p-in-nordic', 'MOBILEPAY FRA HANSEN', '200.00'],
  ['payroll-nordic', 'LÖN MARS VOLVO CARS AB', '28400.00'],
  ['bank-fee-more-markets', 'TARIFA MENSAL PACOTE SERVICOS', '-29.90'],
  ['app-store-billing', 'POS Purchase 9.99 Apple.Com/Bi  * 02 Oct', '-9.99'],
  ['insurer-za', 'Debit Order Outsurance 1234567', '-890.00'],
  ['lender-za', 'DebiCheck Payment Capfin 0085772', '-450.00'],
  ['telecom-za', 'Debit Order Payment Telkommobi', '-299.00'],
  ['utility-za', 'City Of Johannesburg Prepaid Electricity', '-500.00'],
  ['entertainment-za', 'Debit Order Multichoice Dstv 12345', '-899.00'],
  ['food-za', 'POS Purchase Col Cacchio Menlyn  * 02 Nov', '-320.00'],
  ['shop-za', 'Takealot Com Cape Town (Card )', '-1299.00'],
  ['home-za', 'POS Purchase Builders Warehouse Rivonia  * 03 Oct', '-650.00'],
  ['gym-za', 'Magtape Debit Virgin Active', '-699.00'],
  ['transport-za', 'Gautrain Sandton Station', '-62.00'],
  ['travel-za', 'Flysafair Online Booking', '-1450.00'],
  ['government-za', 'SARS EFILING PAYMENT', '-2400.00'],
  ['card-and-loan-repayment-za', 'DebiCheck Internal D/O Nedcc Dcre123456', '-3100.00'],
  ['cash-deposit-za', 'Cash Deposit Fnb Adt Rosebank', '1500.00'],
  ['savings-sweep-za', 'Byc Debit', '-12.40'],
  ['investment-za', 'Debit Order Easy Equities 123456', '-1000.00'],
  ['grants-and-benefits-za', 'SASSA Child Support Grant', '530.00'],
  ['medical-za', 'Card Purchase: Dr P Mokoena Inc', '-520.00'],
  ['education-za', 'IB PAYMENT TO HOERSKOOL WATERKLOOF SKOOLGELD', '-3200.00'],
  ['car-care', 'POS Purchase Yoco *Sparkle Car Spa  * 03 Oct', '-90.00'],
  ['car-care-za', 'CARD PURCHASE TIGER WHEEL & TYRE MENLYN', '-2400.00'],
  ['web-services', 'POS Purchase Name-Cheap.Com* Abc  * 18 Oct', '-250.00'],
  ['leisure-club', 'POS Purchase Kyalami Country Clu  * 10 Sep', '-310.00'],
  ['pub-names-gb', 'CONTACTLESS THE BLACKSMITHS ARMS', '-18.40'],
  ['mot-gb', 'VIS GREENWAY GARAGE MOT TEST', '-54.85'],
  ['council-tax-gb', 'DD LEEDS CITY CTAX', '-150.00'],
  ['dairy-nz', 'EFTPOS PURCHASE MOUNT EDEN DAIRY', '-8.50'],
  ['government-br', 'PAGTO IPTU 2026 PREFEITURA', '-450.00'],
  ['government-mx', 'PAGO REFERENCIADO SAT 2026', '-3200.00'],
  ['utility-nz', 'DIRECT DEBIT CONTACT ENERGY 5001234567', '-176.20'],
  ['transport-nz', '4835-****-****-9876 Df Z KILLARNEY ST FRANKTON', '-82.40'],
  ['insurer-nz', 'SOUTHERN CROSS HEALTH DD 1234567', '-132.00'],
  ['government-nz', 'IRD GST 123-456-789', '-540.00'],
  ['utility-sg', 'GIRO - SENOKO ENERGY SUPPLY', '-88.10'],
  ['entertainment-sg', 'DEBIT CARD TRANSACTION CATHAY CINEPLEXES JEM', '-27.00'],
  ['transport-sg', 'EZ-LINK TOP UP SINGAPORE SG', '-20.00'],
  ['travel-sg', 'FLYSCOOT.COM 123456', '-310.00'],
  ['government-sg', 'GIRO - IRAS GST', '-620.00'],
  ['utility-ng', 'WEB PURCHASE FLW*EKEDC PREPAID', '-10000.00'],
  ['food-ng', 'POS PURCHASE PRINCE EBEANO LEKKI', '-38500.00'],
  ['shop-ng', 'WEB PURCHASE PAYSTACK *KONGA ONLINE', '-54000.00'],
  ['government-ng', 'LIRS PAYE REMITTANCE', '-120000.00'],
  ['utility-ke', 'Pay Bill to 888880 - KENYA POWER POSTPAID Acc. 1234567', '-2300.00'],
  ['food-ke', 'Merchant Payment to 998877 - CHANDARANA FOODPLUS YAYA', '-3100.00'],
  ['government-ke', 'Pay Bill to 222222 - NTSA Acc. TIMS1234', '-650.00'],
  ['utility-mx', 'PAGO TELCEL 5512345678', '-399.00'],
  ['leisure-mx', 'COMPRA CINEPOLIS PERISUR', '-180.00'],
  ['travel-mx', 'VOLARIS INTERNET 123456', '-2450.00'],
  ['utility-br', 'PAGTO CONTA CEMIG', '-212.40'],
  ['transport-br', 'SEM PARAR MENSALIDADE', '-39.90'],
  ['food-br', 'RAPPI BRASIL', '-72.50'],
  ['shop-br', 'MERCADOLIVRE*VENDEDOR', '-149.00'],
  ['utility-nordic', 'AVTALEGIRO TIBBER NORGE AS', '-1450.00'],
  ['food-nordic', 'VISA VARE 1234 03.04 VINMONOPOLET AKER BRYGGE', '-389.00'],
  ['transport-nordic', 'VISA VARE 1234 05.04 RUTER AS', '-44.00'],
  ['transport-jp', 'ICOCA CHARGE OSAKA', '-2000'],
  ['utility-jp', 'SOFTBANK M', '-6200'],
  ['food-in', 'UPI/312345678902/ZOMATO LTD/zomato@hdfc', '-430.00'],
  ['shop-in', 'FLIPKART INTERNET PVT LTD', '-1599.00'],
  ['telecom-in', 'AIRTEL PREPAID RECHARGE', '-999.00'],
  ['travel-in', 'MAKEMYTRIP INDIA PVT LTD', '-5400.00'],
  ['transport-in', 'IRCTC TICKET BOOKING', '-2500.00'],
  ['insurer-in', 'LIC PREMIUM PAYMENT', '-15000.00'],
  ['pharmacy-in', 'APOLLO PHARMACY CHENNAI', '-650.00'],
  ['insurer-au-ca', 'MEDIBANK PRIVATE DD', '-99.00'],
  ['food-au-ca', 'DAN MURPHYS 1234 HAWTHORN', '-34.00'],
  ['utility-au-ca', 'RED ENERGY PTY LTD DD', '-140.00'],
  ['transport-au-ca', 'LINKT SYDNEY TOLL', '-25.00'],
];

describe('market rules', () => {
  it.each(CASES)('when a %s line reads %j, then that rule decides it', (id, description, amount) => {
    expect(rules.categorizeSync({ amount, merchantName: null, description }).source).toBe(`rules:${id}`);
  });

  it('when a brand of one market stands on an account of another, then that market\'s rule stays silent', () => {
    expect(rules.matchTexts('', 'CNA SURETY PREMIUM', 'debit', ['us'])?.rule.id).not.toBe('shop-za');
    expect(rules.matchTexts('', 'CNA ROSEBANK', 'debit', ['za'])?.rule.id).toBe('shop-za');
  });

  it('when every market rule is listed, then each has a line above', () => {
    expect(new Set(CASES.map(([id]) => id))).toEqual(new Set(MARKET_RULES.map((rule) => rule.id)));
  });
});
