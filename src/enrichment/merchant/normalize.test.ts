import { describe, expect, it } from 'vitest';
import { normalizeMerchant } from './normalize.js';

/** [raw description, expected key, expected text] — real-looking lines as banks of each market print them. */
type Case = readonly [string, string, string];

const BY_MARKET: Record<string, readonly Case[]> = {
  'South Africa': [
    ['POS Purchase Engen Mitchell Park  * 07 Oct', 'ENGEN MITCHELL PARK', 'Engen Mitchell Park'],
    ['POS PURCHASE (EFFEC ) Yoco *Bean There Cof CARD NO.', 'BEAN THERE COF', 'Bean There Cof'],
    ['POS Purchase Snapscan Kauai Rosebank  * 29 Aug', 'KAUAI ROSEBANK', 'Kauai Rosebank'],
    ['POS Purchase Zapper*Col Cacchio Menl  * 02 Nov', 'COL CACCHIO MENL', 'Col Cacchio Menl'],
    ['Card Purchase Dashpay*Uncle Toms Lodge', 'UNCLE TOMS LODGE', 'Uncle Toms Lodge'],
    ['Magtape Debit Planet Fitness Netcash', 'PLANET FITNESS NETCASH', 'Planet Fitness Netcash'],
    ['Debit Order Outsurance 12345678', 'OUTSURANCE', 'Outsurance'],
    ['DebiCheck Debit Old Mutual Finance', 'OLD MUTUAL FINANCE', 'Old Mutual Finance'],
    ['NAEDO Debit Sanlam Life', 'SANLAM LIFE', 'Sanlam Life'],
    ['ACB Credit Acme Holdings (Pty) Ltd Salary', 'ACME HOLDINGS LTD SALARY', 'Acme Holdings Ltd Salary'],
    ['Realtime Credit From J Smith', 'FROM J SMITH', 'From J Smith'],
    ['Fuel Purchase Sasol Montana  * 19 Nov', 'SASOL MONTANA', 'Sasol Montana'],
    ['Cash Withdrawal Atm Benoni Northmead Sqbenoni Gtza', 'CASH WITHDRAWAL ATM BENONI NORTHMEAD SQBENONI', 'Cash Withdrawal Atm Benoni Northmead Sqbenoni Gtza'],
    ['Eft Debit Order Payment (): Discovery Health', 'DISCOVERY HEALTH', 'Discovery Health'],
    ['POS Purchase Ikh*The Corner Barber  * 09 Oct', 'THE CORNER BARBER', 'The Corner Barber'],
    ['POS Purchase Https://Www.Example.Co.Za  * 25 Oct', 'EXAMPLE', 'Example.Co.Za'],
    ['DebiCheck Internal D/O Nedcc Dcre123456', 'NEDCC', 'Nedcc Dcre123456'],
    ['Internal Debit Order Fnblife Dp01Lp02', 'FNBLIFE', 'Fnblife Dp01Lp02'],
    ['IB PAYMENT TO CITY OF CAPE TOWN MUNICIPAL ACC', 'CITY OF CAPE TOWN MUNICIPAL ACC', 'CITY OF CAPE TOWN MUNICIPAL ACC'],
    ['FNB App Rtc Pmt To Hillside Plumbing', 'HILLSIDE PLUMBING', 'Hillside Plumbing'],
    ['Payshap Pmt To Sipho Mokoena', 'SIPHO MOKOENA', 'Sipho Mokoena'],
    ['Airtime Purchase MTN 0831234567', 'MTN', 'MTN'],
    ['Card Purchase: Superspar Hillcrest', 'SUPERSPAR HILLCREST', 'Superspar Hillcrest'],
    ['PURCHASE 4587**** WOOLWORTHS FOOD CAVENDISH', 'WOOLWORTHS FOOD CAVENDISH', 'WOOLWORTHS FOOD CAVENDISH'],
    ['POS Purchase Zapper1*Pizza Place Umh  * 04 Oct', 'PIZZA PLACE UMH', 'Pizza Place Umh'],
    ['POS Purchase Wild Fig Winery 2  * 04 Oct', 'WILD FIG WINERY', 'Wild Fig Winery 2'],
    ['FNB App Transfer To J Smith Savings Ref Rent Oct', 'J SMITH SAVINGS', 'J Smith Savings Ref Rent Oct'],
    // A digit or a REF that may be part of a short name stays.
    ['POS Purchase Studio 7  * 04 Oct', 'STUDIO 7', 'Studio 7'],
    ['POS Purchase The Ref Sports Bar  * 04 Oct', 'THE REF SPORTS BAR', 'The Ref Sports Bar'],
  ],
  'United States': [
    ['CHECKCARD 0312 STARBUCKS STORE 10234 SEATTLE WA', 'STARBUCKS', 'STARBUCKS'],
    ['PURCHASE AUTHORIZED ON 03/12 WAL-MART #1234 DALLAS TX S463071234567890 CARD 1234', 'WAL MART', 'WAL-MART'],
    ['SQ *BLUE BOTTLE COFFEE Oakland CA', 'BLUE BOTTLE COFFEE OAKLAND', 'BLUE BOTTLE COFFEE Oakland CA'],
    ['TST* SHAKE SHACK 1234 NEW YORK NY', 'SHAKE SHACK', 'SHAKE SHACK'],
    ['PAYPAL *NETFLIX.COM 402-935-7733 CA', 'NETFLIX', 'NETFLIX.COM CA'],
    ['NETFLIX.COM DES:PAYMENT ID:XXXXX1234 INDN:JANE DOE CO ID:XXXXX12345 WEB', 'NETFLIX', 'NETFLIX.COM'],
    ['GEICO AUTO PAYMENT ACH DEBIT PPD ID: 9000123456', 'GEICO AUTO PAYMENT ACH DEBIT', 'GEICO AUTO PAYMENT ACH DEBIT'],
    ['TARGET        00012345 MINNEAPOLIS MN', 'TARGET', 'TARGET'],
    ['DEBIT CARD PURCHASE XXXXX1234 SHELL OIL 57442118 HOUSTON TX', 'SHELL OIL', 'SHELL OIL'],
  ],
  'United Kingdom': [
    ['VIS SAINSBURYS S/MKTS', 'SAINSBURYS S MKTS', 'SAINSBURYS S/MKTS'],
    ['DD THAMES WATER', 'THAMES WATER', 'THAMES WATER'],
    ['SO J SMITH RENT', 'J SMITH RENT', 'J SMITH RENT'],
    ['FPO JOHN SMITH REF 123456', 'JOHN SMITH', 'JOHN SMITH'],
    ['BGC ACME LTD', 'ACME', 'ACME LTD'],
    ['CARD PAYMENT TO TESCO STORES 3297 ON 12 MAR', 'TESCO STORES', 'TESCO STORES'],
    ['))) PRET A MANGER LONDON GB', 'PRET A MANGER LONDON', 'PRET A MANGER LONDON GB'],
  ],
  'Euro area': [
    ['SEPA-Lastschrift Stadtwerke München GmbH Mandat 12345', 'STADTWERKE MUNCHEN', 'Stadtwerke München GmbH'],
    ['Kartenzahlung REWE Markt GmbH 12.03.2024', 'REWE MARKT', 'REWE Markt GmbH'],
    ['Überweisung Miete März', 'MIETE MARZ', 'Miete März'],
    ['Gutschrift Erstattung Finanzamt', 'ERSTATTUNG FINANZAMT', 'Erstattung Finanzamt'],
    ['PRLV SEPA EDF CLIENTS PARTICULIERS', 'EDF CLIENTS PARTICULIERS', 'EDF CLIENTS PARTICULIERS'],
    ['CB CARREFOUR MARKET 12/03', 'CARREFOUR MARKET', 'CARREFOUR MARKET'],
    ['BEA, Betaalpas Albert Heijn 1234,PAS123 NR:AB12CD AMSTERDAM', 'ALBERT HEIJN', 'Albert Heijn'],
    ['COMPRA TARJ. MERCADONA VALENCIA', 'TARJ MERCADONA VALENCIA', 'TARJ. MERCADONA VALENCIA'],
    ['Pagamento POS Esselunga Milano', 'ESSELUNGA MILANO', 'Esselunga Milano'],
  ],
  'Canada, Australia, India': [
    ['INTERAC PURCHASE TIM HORTONS #1234', 'TIM HORTONS', 'TIM HORTONS'],
    ['VISA PURCHASE WOOLWORTHS 1234 SYDNEY NSW', 'WOOLWORTHS', 'WOOLWORTHS'],
    ['SumUp *Corner Cafe', 'CORNER CAFE', 'Corner Cafe'],
  ],
  'New Zealand, Singapore': [
    ['EFTPOS PURCHASE COUNTDOWN PONSONBY', 'COUNTDOWN PONSONBY', 'COUNTDOWN PONSONBY'],
    ['4835-****-****-1234 Df COUNTDOWN PONSONBY', 'COUNTDOWN PONSONBY', 'COUNTDOWN PONSONBY'],
    ['NETS DEBIT 12MAR COLD STORAGE NOVENA', 'COLD STORAGE NOVENA', 'COLD STORAGE NOVENA'],
    ['GIRO - AIA SINGAPORE', 'AIA SINGAPORE', 'AIA SINGAPORE'],
  ],
  'Nigeria, Kenya': [
    ['WEB PURCHASE PAYSTACK *JUMIA NIGERIA', 'JUMIA NIGERIA', 'JUMIA NIGERIA'],
    ['Merchant Payment to 5123456 - CARREFOUR THE HUB', 'CARREFOUR THE HUB', 'CARREFOUR THE HUB'],
    ['Pay Bill to 888880 - KPLC PREPAID Acc. 54100987654', 'KPLC PREPAID ACC', 'KPLC PREPAID Acc.'],
  ],
  'Brazil, Mexico': [
    ['COMPRA CARTAO DEB PAO DE ACUCAR LJ 12', 'PAO DE ACUCAR LJ', 'PAO DE ACUCAR LJ 12'],
    ['MERPAGO*LA CASA DE TOÑO', 'LA CASA DE TONO', 'LA CASA DE TOÑO'],
  ],
  'Sweden, Norway, Denmark': [
    ['KORTKÖP 260312 HEMKÖP ODENPLAN', 'HEMKOP ODENPLAN', 'HEMKÖP ODENPLAN'],
    ['VISA VARE 1234 12.03 MENY MAJORSTUEN', 'MENY MAJORSTUEN', 'MENY MAJORSTUEN'],
    // Ø and Æ are letters of their own, not accents: FØTEX is FOTEX, not F TEX.
    ['DANKORT-KØB FØTEX VESTERBRO', 'FOTEX VESTERBRO', 'FØTEX VESTERBRO'],
    // A lone S is joined to the word before it, as a possessive sent apart would be: Oslo S (the central station) too, harmlessly.
    ['VIPPS *NARVESEN OSLO S', 'NARVESEN OSLOS', 'NARVESEN OSLO S'],
  ],
  // Names in other scripts are keys of their own: a name and its store number, a Greek accent dropped,
  // and the marks of scripts that write vowels with them kept.
  'Scripts other than Latin': [
    ['مطعم الشام فرع 12', 'مطعم الشام فرع', 'مطعم الشام فرع 12'],
    ['老北京炸酱面 0042', '老北京炸酱面', '老北京炸酱面'],
    ['ПЕКАРНЯ ХЛЕБНИЦА 1234', 'ПЕКАРНЯ ХЛЕБНИЦА', 'ПЕКАРНЯ ХЛЕБНИЦА'],
    ['Φούρνος Παπαδόπουλος', 'ΦΟΥΡΝΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ', 'Φούρνος Παπαδόπουλος'],
    ['ร้านป้าแดง', 'ร้านป้าแดง', 'ร้านป้าแดง'],
    ['김밥천국 강남점', '김밥천국 강남점', '김밥천국 강남점'],
    ['Bistro 東京 0001', 'BISTRO 東京', 'Bistro 東京'],
  ],
};

describe('normalizeMerchant', () => {
  const keyOf = (description: string) => normalizeMerchant({ merchantName: null, description }).key;

  for (const [market, cases] of Object.entries(BY_MARKET)) {
    describe(market, () => {
      it.each(cases)('when the line reads %j, then the key is %j and the text %j', (raw, key, text) => {
        expect(normalizeMerchant({ merchantName: null, description: raw })).toEqual({ key, text });
      });
    });
  }

  it('when one merchant appears with different dates, store numbers and prefixes, then every line has the same key', () => {
    const keys = new Set(
      [
        'POS Purchase Superspar Melmoth  * 07 Oct',
        'POS Purchase Superspar Melmoth  * 18 Nov',
        'Card Purchase Yoco *Superspar Melmoth',
        'POS PURCHASE (EFFEC ) SUPERSPAR MELMOTH CARD NO.',
      ].map((description) => normalizeMerchant({ merchantName: null, description }).key),
    );
    expect([...keys]).toEqual(['SUPERSPAR MELMOTH']);
  });

  it('when lines of one merchant in another script differ only by store number, then they share a key, apart from another merchant with the same Latin word', () => {
    expect(keyOf('مطعم الشام فرع 12')).toBe(keyOf('مطعم الشام فرع 17'));
    expect(keyOf('Bistro 東京 0001')).not.toBe(keyOf('Bistro Марсель 0003'));
    expect(keyOf('Shop Пушкин')).not.toBe(keyOf('Shop Москва'));
  });

  it('when bank wording in another script comes before a name in Latin letters, then it is left out of the key, as Latin wording is', () => {
    expect(keyOf('Оплата услуг Florbit')).toBe('FLORBIT');
    expect(keyOf('Покупка Florbit')).toBe('FLORBIT');
    expect(keyOf('Florbit')).toBe('FLORBIT');
    // A word that changes script is two words: the brand `NTT` leads the key.
    expect(keyOf('口座振替 NTTドコモ')).toBe('NTT ドコモ');
    // After the name, another script's words stay: another branch, or another merchant.
    expect(keyOf('Bistro Марсель')).toBe('BISTRO МАРСЕЛЬ');
  });

  it('when a store number or date is written in digits of another script, then it goes as one in ASCII digits does', () => {
    expect(keyOf('Bistro ١٢٣٤')).toBe('BISTRO');
    expect(keyOf('Bistro ٢٠٢٦/١١/٠٢')).toBe('BISTRO');
    expect(keyOf('CARREFOUR ۱۲۳۴')).toBe('CARREFOUR');
    expect(keyOf('BIG BAZAAR १२३४')).toBe('BIG BAZAAR');
    expect(keyOf('مطعم الشام فرع ١٢')).toBe(keyOf('مطعم الشام فرع 17'));
  });

  it('when one word is spelled with another apostrophe, a capital sharp s, Arabic vowel points or a tatweel, then its key is the same', () => {
    expect(keyOf('Joe\u02bcs Diner')).toBe(keyOf("Joe's Diner"));
    expect(keyOf('STRA\u1e9eE')).toBe('STRASSE');
    expect(new Set(['مَطْعَم', 'مطـعم', 'مطعم'].map(keyOf)).size).toBe(1);
  });

  it('when a word carries invisible characters (zero-width space or joiner, soft hyphen, byte-order mark), then its key is the visible word\'s', () => {
    const plain = normalizeMerchant({ merchantName: 'Zébulon Épicerie Müller', description: null }).key;
    for (const hidden of ['\u200b', '\u200d', '\u00ad', '\ufeff']) {
      expect(normalizeMerchant({ merchantName: `Zéb${hidden}ulon Épicerie Müller`, description: null }).key).toBe(plain);
    }
    expect(plain).toBe('ZEBULON EPICERIE MULLER');
  });

  it('when an aggregator sends a merchant name, then it is preferred to the description', () => {
    expect(normalizeMerchant({ merchantName: 'Uber Eats', description: 'POS Purchase Uber *Eats Help.Ube  * 21 Oct' })).toEqual({ key: 'UBER EATS', text: 'Uber Eats' });
  });

  it('when a line is only bank wording, then the wording itself is the text', () => {
    expect(normalizeMerchant({ merchantName: null, description: 'POS Purchase' })).toEqual({ key: 'POS PURCHASE', text: 'POS Purchase' });
  });

  it('when a line is empty, then text and key are empty', () => {
    expect(normalizeMerchant({ merchantName: null, description: null })).toEqual({ key: '', text: '' });
  });
});
