/**
 * From a raw bank line to the merchant it names: a clean text for people and a stable key for
 * machines (the categorizer's brand index, and the per-integration merchant memory). Pure: no
 * data files, no I/O, so a key computed today is the key computed next year for the same line.
 *
 * The key is the same for the same merchant despite dates, times, card numbers, references (a
 * number, or anything after `REF`), store and terminal numbers (a lone digit after the name too), processor prefixes (`Yoco *`, `SQ *`, `PAYPAL *`), bank wording
 * of many markets (`POS Purchase`, `Magtape Debit`, `VIS`, `DD`, `Lastschrift`, `PRLV SEPA`,
 * `ACH … PPD ID`), legal forms (`(Pty) Ltd`, `GmbH`) and region codes (`NY`, `Gtza`). A location
 * is dropped when the line marks where it starts (after a store number, or after a gap of
 * several spaces as fixed-width terminals pad the name); a bare town after the name is kept.
 */
export interface NormalizedMerchant {
  /** The merchant as a person would read it, in the line's own spelling: `Checkers Ballito`. */
  text: string;
  /** Upper-case words, accents dropped from Latin, Greek and Cyrillic letters: `CHECKERS BALLITO`. Empty only when the line names nothing. */
  key: string;
}

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|m[aä]r|mai|okt|dez|janv|f[eé]vr?|avr|juil|d[eé]c|mrt|ene|abr|ago|dic|set|out|gen|mag|giu|lug|ott';

/**
 * Bank and card-scheme wording before the merchant, of many markets. Tried at the start of the
 * line, repeatedly, since banks stack them (`POS PURCHASE (EFFEC ) Yoco *…`).
 */
const BANK_WORDING = [
  // South Africa
  'pos purchase(?: \\(effec ?\\))?',
  'pos (?:debit|credit|refund|reversal|transaction)',
  'magtape (?:debit|credit)',
  'eft (?:debit order|credit|payment)(?: payment)?(?: \\(\\))?',
  'debit order(?: payment)?',
  'debicheck(?: debit| payment)?',
  'naedo(?: debit)?',
  'acb (?:credit|debit)',
  'realtime (?:credit|debit|transfer)',
  'rtc express pmt to',
  'immediate payment to',
  'fnb app (?:rtc )?(?:payment|pmt) to',
  'fnb app transfer (?:to|from)',
  'internal (?:debit order|d/o)',
  'ib (?:payment|transfer) (?:to|from)',
  'scheduled (?:payment|pmt) to',
  'payshap (?:payment|pmt) to',
  '(?:airtime|data bundle) purchase',
  'banking app payment to',
  'internet (?:pmt|payment) to',
  'payment to',
  'send money(?: to)?',
  // United States, Canada
  'check ?card(?: purchase)?(?: \\d{4})?',
  'debit card (?:purchase|debit|payment)',
  'dbt crd',
  'pos pin (?:purchase|debit)',
  'pin (?:purchase|debit)',
  'dda (?:purchase|debit)',
  'visa (?:debit|purchase|pos)',
  '(?:recurring )?(?:purchase|payment) authori[sz]ed on(?: \\d{1,2}/\\d{1,2})?',
  'recurring (?:card )?(?:payment|purchase|debit|charge)',
  'digital (?:payment|transf(?:er)?) (?:dt|cr)',
  'interac (?:retail )?purchase',
  'ach (?:debit|credit|pmt|payment)',
  'electronic (?:payment|withdrawal|debit)',
  'preauthorized (?:debit|payment)',
  // United Kingdom, Ireland
  'card payment to',
  'card purchase',
  'contactless(?: payment)?',
  '(?:vis|deb|dd|so|fpo|fpi|bgc|cpt|tfr|chq|pos|atm)(?= )',
  'direct debit(?: to)?',
  'standing order(?: to)?',
  'faster payment(?:s)?(?: to)?',
  // Germany, Austria, Switzerland
  'sepa[- ](?:lastschrift|überweisung|ueberweisung|gutschrift|basislastschrift)',
  '(?:erst|folge|basis)?lastschrift',
  'kartenzahlung(?:/-abrechnung)?',
  '(?:sepa )?(?:überweisung|ueberweisung)',
  'gutschrift',
  'dauerauftrag',
  'girocard',
  'ec[- ]karte',
  'debitk(?:arte)?',
  // France, Belgium
  'prlv sepa',
  'prlv',
  'paiement (?:par )?(?:carte|cb)',
  'achat cb',
  'facture carte',
  'carte(?: x?\\d{4})?',
  'cb',
  'vir(?:ement)?(?: sepa)?(?: recu| emis)?',
  // Netherlands
  'betaalautomaat',
  'bea(?:, betaalpas)?',
  'gea(?:, betaalpas)?',
  '(?:sepa )?incasso(?: algemeen doorlopend)?',
  'ideal',
  'overboeking',
  // Spain, Portugal, Italy
  'compra(?: (?:con )?tarjeta| cart[aã]o| tpv)?',
  'pago (?:con )?tarjeta',
  'recibo',
  'adeudo(?: sepa)?',
  'pagamento(?: (?:pos|carta|servi[cç]os))?',
  'addebito(?: sdd| diretto)?',
  'trf',
  // New Zealand: card lines, the masked card number first (`4835-****-****-2211 Df`)
  'eftpos (?:purchase|transaction)',
  'eftpos',
  'pos w/d',
  'debit transaction',
  '\\d{4}-\\*{4}-\\*{4}-\\d{4}(?: d[fr])?',
  // Singapore
  'nets (?:debit|qr|purchase)',
  'debit card transaction',
  'giro(?= - )',
  // Nigeria
  '(?:pos/)?web purchase',
  // Kenya: M-Pesa payments to a till or paybill, whose number comes before the business
  'merchant payment(?: online)? to(?: \\d+ -)?',
  'pay ?bill(?: online)? to(?: \\d+ -)?',
  'buy goods(?: and services)?(?: to| from)?',
  // Brazil, Mexico
  'compra cart[aã]o (?:deb(?:ito)?|cred(?:ito)?)',
  'compra (?:no )?d[eé]bito',
  'pagto(?: conta)?',
  // Sweden, Norway, Denmark: card purchases and the direct-debit schemes
  'kortk[oö]p(?: \\d{6})?',
  'kortkj[oø]p',
  'kortk[oø]b',
  'dankort[- ]?k[oø]b',
  'visa vare(?: \\d{4})?(?: \\d{2}\\.\\d{2})?',
  'varekj[oø]p',
  'autogiro',
  'avtalegiro',
  'betalingsservice',
  'bs(?= )',
  // Wallets and schemes that carry a merchant after them
  '(?:apple|google|samsung) pay',
  'mastercard',
  'maestro',
  'visa',
  '(?:international )?(?:online |card |fuel |cashback )?purchase',
];
const BANK_WORDING_AT_START = new RegExp(`^(?:${BANK_WORDING.join('|')})(?![\\p{L}\\d])[\\s:*#.,()-]*`, 'iu');

/**
 * Payment processors and platforms that put the merchant after them; with an asterisk, any code of
 * up to three letters is one (`SQ *`, `TST*`, `PP*`, `IZ *`, `IKH*`). South African ones also
 * appear without an asterisk (`Snapscan Bootlegger`): they are never the merchant themselves.
 */
const PROCESSOR_ANY = /^(?:yoco|zapper\d?|snapscan|dashpay|ikhokha|payfast|paygate|peach|payu)\b[\s*_.-]*/iu;
const PROCESSOR_STARRED =
  /^(?:[a-z0-9]{1,3}|paypal|sumup|sum ?up|izettle|zettle|ikhokha|sqsp|google|clover|toast|stripe|paddle(?:\.net)?|vipps|paystack|merpago|mercadopago|clip mx)\s*[*_]+\s*/iu;
/** A web address the terminal printed in full: `https://www.example.com` is `example.com`. */
const URL_PREFIX = /^(?:https?:\/\/)?www\.|^https?:\/\//iu;

/**
 * What a noise pattern cannot match without: a digit, a character or a word it spells out, or a
 * trailing space. A pattern whose need the line lacks is not run: it could match nothing, and each
 * one run is a scan of the line (the learned layer reads every line's key, so this is most of its cost).
 */
type Need = 'digit' | ((t: string) => boolean) | undefined;

const hasColon = (t: string) => t.includes(':');
const hasParen = (t: string) => t.includes('(');
const CARD_WORD = /card|crd|carte|karte/iu;
const MASK = /xx|\*\*/iu;
const SPACE = /\s/u;

/** Dates, times, card masks, references and numbers of stores, terminals and tickets, each with what it needs (Need). */
const NOISE: ReadonlyArray<readonly [RegExp, Need]> = [
  // US ACH addenda: `DES:PAYROLL ID:123 INDN:JANE DOE CO ID:123 PPD`, `PPD ID: 123`, `WEB ID: 123`
  [/\s(?:des|id|indn|co id|orig id|desc date|co entry descr|sec|trace|eed|ind id|ind name|trn)\s?:.*$/iu, hasColon],
  [/\s(?:ppd|ccd|web|tel|arc|boc|pop|cie|ctx)(?:\s+id\s*:?\s*\S*)?\s*$/iu, undefined],
  [new RegExp(`\\*\\s*\\d{1,2}\\s+(?:${MONTHS})\\b\\.?.*$`, 'iu'), 'digit'],
  [/\b\d{1,2}:\d{2}(?::\d{2})?\b/gu, 'digit'],
  [/\b\d{3}[-.]\d{3}[-.]\d{4}\b/gu, 'digit'],
  [/\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b/gu, 'digit'],
  [/\b\d{1,2}[-/.]\d{1,2}(?:[-/.]\d{2,4})?\b/gu, 'digit'],
  [new RegExp(`\\b\\d{1,2}\\.?\\s?(?:${MONTHS})\\b\\.?(?:\\s?\\d{2,4}\\b)?`, 'giu'), 'digit'],
  [new RegExp(`\\b(?:${MONTHS})\\s?\\d{1,2}\\b(?:,?\\s?\\d{4}\\b)?`, 'giu'), 'digit'],
  [/\b(?:on|le|am|op|el|il)\s+$/iu, (t) => SPACE.test(t.slice(-1))],
  [/\b(?:card|crd|carte|karte)(?:\s?(?:no|number|nbr|ending(?: in)?|nr))?\.?:?\s?#?\s?[x*]*\d{0,4}\.?(?=\s|$)/giu, (t) => CARD_WORD.test(t)],
  [/\b\d{4,6}(?:x{2,}|\*{2,})[\dx*]*/giu, 'digit'],
  [/\b(?:x{2,}|\*{2,})[\dx*]*/giu, (t) => MASK.test(t)],
  [/\((?:pty|proprietary)\)/giu, hasParen],
  [/[#№]\s?\d+/gu, 'digit'],
  [/\b(?:store|str|unit|branch|loc|terminal|term|tid|ref|reference|trace|seq|auth|receipt|ticket|order|inv|invoice|mandate|mandat|kd|ktnr|nr|no)\s?(?:no|num|#|nr)?[.:]?\s?#?\s?\d[\w-]*/giu, 'digit'],
  [/\(\s*\)/gu, hasParen],
  [/\([^()]*\d[^()]*\)/gu, 'digit'],
];
/** ASCII digits: what `\d` matches, with or without the `u` flag. Noise is replaced by spaces, so a line without digits never gains one. */
const DIGIT = /[0-9]/;
const TRAILING_POSTING_DATE = new RegExp(`\\s*\\*\\s*\\d{1,2}\\s+(?:${MONTHS})\\b.*$`, 'iu');

/** Legal forms, dropped from the key at the end of the name. */
const LEGAL_FORMS = new Set(
  'PTY LTD LIMITED INC INCORPORATED LLC LLP LP PLC CORP CORPORATION CO COMPANY GMBH AG KG EK EV UG OHG BV NV VOF SA SAS SARL SRL SL SLU SPA SNC OY AB AS APS PROPRIETARY CC'.split(' '),
);

/**
 * Region and country codes terminals append after the town: US states, ISO countries, and South
 * African bank suffixes of province plus country (`GTZA` Gauteng, `KZZA` KwaZulu-Natal). Only
 * dropped from the end, and never the first word.
 */
const REGION_CODES = new Set(
  [
    'AL AK AZ AR CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY',
    'US USA GB GBR UK IE IRL NL NLD DE DEU FR FRA ES ESP IT ITA PT PRT BE BEL AT AUT CH CHE LU CAN AUS AU NZ IND ZA ZAF RSA',
    'GTZA KZZA WCZA ECZA NCZA NWZA FSZA MPZA LPZA GPZA KNZA',
    'ON QC BC AB MB SK NS NB NL PE NSW VIC QLD WA SA TAS ACT NT',
  ]
    .join(' ')
    .split(' '),
);
/** Web addresses: `NETFLIX.COM` is Netflix. */
const DOMAIN_SUFFIXES = new Set(['COM', 'NET', 'ORG', 'IO', 'CO', 'UK', 'ZA', 'DE', 'FR', 'NL', 'ES', 'IT', 'EU', 'AU', 'CA', 'IN', 'WWW', 'HTTP', 'HTTPS']);
/** Tokens with digits that belong to names. */
const DIGIT_NAMES = new Set(['24', '360', '365']);

/**
 * The merchant a line names. The last two lines are remembered: a learned layer and the categorizer
 * behind it read the same line one after the other.
 */
export function normalizeMerchant(input: { merchantName: string | null; description: string | null }): NormalizedMerchant {
  const source = (input.merchantName?.trim() ? input.merchantName : input.description) ?? '';
  if (source === recent[0].source) return { ...recent[0].merchant };
  if (source === recent[1].source) return { ...recent[1].merchant };
  const merchant = normalizeSource(source);
  recent[1] = recent[0];
  recent[0] = { source, merchant };
  return { ...merchant };
}

const recent: [{ source: string | undefined; merchant: NormalizedMerchant }, { source: string | undefined; merchant: NormalizedMerchant }] = [
  { source: undefined, merchant: { text: '', key: '' } },
  { source: undefined, merchant: { text: '', key: '' } },
];

function normalizeSource(raw: string): NormalizedMerchant {
  // Invisible characters go first: a byte-order mark is white space to `\s`, and would split the word it sits in.
  const source = ASCII_ONLY.test(raw) ? raw : raw.replace(INVISIBLE, '');
  const text = cleanText(source);
  const key = merchantKey(text);
  if (key !== '' || source.trim() === '') return { text, key };
  // Nothing but wording: the wording is all the line says (`Monthly Account Admin Fee`).
  const fallback = collapse(source);
  return { text: fallback, key: merchantKey(fallback) };
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function cleanText(raw: string): string {
  let t = raw.replace(/[\t\n\r\f\v]/gu, ' ').trim();
  // Trailing `* 21 Oct`-style posting dates.
  let digits = DIGIT.test(t);
  if (digits) t = t.replace(TRAILING_POSTING_DATE, '');
  for (let i = 0; i < 8; i += 1) {
    const before = t;
    t = t
      .replace(BANK_WORDING_AT_START, '')
      .replace(PROCESSOR_ANY, '')
      .replace(PROCESSOR_STARRED, '')
      .replace(URL_PREFIX, '')
      .replace(/^[\s*#:.,/()-]+/u, '');
    if (t === before) break;
  }
  // So does a gap of several spaces, as fixed-width terminals pad the name.
  t = cutAtGap(t);
  // A store number marks where the location starts: `TARGET 00012345 MINNEAPOLIS MN`.
  if (digits) t = cutAtLocation(t);
  digits &&= DIGIT.test(t);
  for (const [noise, need] of NOISE) {
    if (!(need === 'digit' ? digits : need === undefined || need(t))) continue;
    const before = t;
    t = t.replace(noise, ' ');
    // What took the last digits away spares the patterns after it a scan.
    if (digits && t !== before) digits = DIGIT.test(t);
  }
  if (t.includes('*')) t = t.replace(/\*\s*$/u, '').replace(/\s*\*\s*/gu, ' ');
  t = t
    .replace(/\s+[-,/.]+(?=\s|$)/gu, ' ')
    .replace(/[\s,;:*/-]+$/u, '');
  return collapse(t);
}

function cutAtGap(t: string): string {
  const gap = /\S(\s{3,})\S/u.exec(t);
  return gap && gap.index >= 2 ? t.slice(0, gap.index + 1) : t;
}

function cutAtLocation(t: string): string {
  const number = /\s(?:(?:ref|reference|mandat|mandate|nr|no|invoice|inv|order|auth|kd|ktnr)\s?[.:#]?\s?)?(?:#\s?\d+|(?:store|str|unit|branch|loc|terminal)\s?#?\s?\d+|\d{3,}|[A-Z]{0,2}\d{4,}[A-Z0-9]*)(?=[\s,;]|$)/iu.exec(t);
  if (number && number.index >= 3) return t.slice(0, number.index);
  return t;
}

const ASCII_ONLY = /^[\x20-\x7e]*$/;

/**
 * The key of a line's description alone when the line sent a merchant name too, and it differs from
 * `merchantKey` (the line's key by that name): a second place the merchant may be named. Empty otherwise.
 */
export function descriptionKeyOf(input: { merchantName: string | null; description: string | null }, merchantKey: string): string {
  if (!input.merchantName || input.merchantName.trim() === '' || !input.description) return '';
  const key = normalizeMerchant({ merchantName: null, description: input.description }).key;
  return key === merchantKey ? '' : key;
}

/** The key of a merchant's own name (`Dis-Chem` → `DIS CHEM`), as `normalizeMerchant` keys a line naming it. */
export function merchantKey(text: string): string {
  // Most lines are ASCII already: decomposing them to drop accents is work for nothing, and their
  // words are read in one pass (asciiTokens) rather than by a chain of replacements.
  const tokens = ASCII_ONLY.test(text) ? asciiTokens(text.toUpperCase()) : unicodeTokens(text);
  // An apostrophe some feeds send as a space leaves a possessive S alone (`TRADER JOE S`): `JOES`.
  // Not in initials or legal forms (`U S CELLULAR`, `GAIA S P A`).
  for (let i = tokens.lastIndexOf('S'); i > 0; i = tokens.lastIndexOf('S', i - 1)) {
    // A word of two letters or more, not ending in S, and no single letter after the S.
    const word = tokens[i - 1] ?? '';
    if (/^[A-Z]+[A-RT-Z]$/.test(word) && (tokens[i + 1] ?? '').length !== 1) tokens.splice(i - 1, 2, `${word}S`);
  }
  // A reference the payer typed after a name of two words or more ends it (`… SAVINGS REF ABC`).
  const reference = tokens.findIndex((token, i) => i >= 2 && i < tokens.length - 1 && (token === 'REF' || token === 'REFERENCE'));
  if (reference > 0) tokens.length = reference;
  while (tokens.length > 1 && isTrailingNoise(tokens[tokens.length - 1] ?? '')) tokens.pop();
  // A lone digit after a name of two words or more is a store or till number (`WILD FIG WINERY 2`).
  if (tokens.length >= 3 && /^[1-9]$/.test(tokens[tokens.length - 1] ?? '')) tokens.pop();
  while (tokens.length > 1 && tokens[0] === '&') tokens.shift();
  return tokens.join(' ');
}

/**
 * Accents are dropped from Latin, Greek and Cyrillic letters, and the optional vowel points of Arabic
 * and Hebrew (`ZÉBULON` is `ZEBULON`, `ΦΟΎΡΝΟΣ` is `ΦΟΥΡΝΟΣ`, `مَطْعَم` is `مطعم`): in scripts such as
 * Thai or Devanagari the marks are letters of the word, so they stay.
 */
const OPTIONAL_MARKS = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Hebrew}])\p{M}+/gu;
/**
 * Invisible format characters (zero-width space and joiners, soft hyphen, byte-order and direction
 * marks) and the Arabic tatweel, which only stretches a word: the word is the same without them.
 */
const INVISIBLE = /[\p{Cf}\u0640]+/gu;
/** Digits of other scripts (`١٢٣٤`, `१२३४`), read as the ASCII digits they are, so a store number or date in them goes as one in ASCII does. */
const OTHER_DIGIT = /(?![0-9])\p{Nd}/gu;
const IS_DIGIT = /^\p{Nd}$/u;
/** A word's letters change script from Latin to another or back (`NTTドコモ`): split there. */
const SCRIPT_CHANGE = /(?<=[A-Z0-9&])(?=[^\sA-Z0-9&])|(?<=[^\sA-Z0-9&])(?=[A-Z0-9&])/gu;
const LATIN_WORD = /^[A-Z0-9&]+$/;
const LATIN_KEY = /^[A-Z0-9& ]*$/;

/**
 * A word of a merchant key in Latin letters (or digits, or `&`). A key splits its words where the
 * script changes, so each word is in Latin letters or in none.
 */
export function isLatinWord(word: string): boolean {
  return LATIN_WORD.test(word);
}

/** A merchant key whose words are all in Latin letters, as every key of an ASCII line is. */
export function isLatinKey(key: string): boolean {
  return LATIN_KEY.test(key);
}

/** The value of a decimal digit of any script: digits come in runs of ten, from zero. */
function asciiDigit(digit: string): string {
  const codePoint = digit.codePointAt(0) as number;
  let zero = codePoint;
  while (zero > 0 && IS_DIGIT.test(String.fromCodePoint(zero - 1))) zero -= 1;
  return String((codePoint - zero) % 10);
}

function unicodeTokens(text: string): string[] {
  const folded = text
    .replace(INVISIBLE, '')
    .normalize('NFKD')
    .replace(OPTIONAL_MARKS, '$1')
    .normalize('NFC')
    .replace(OTHER_DIGIT, asciiDigit)
    .toUpperCase()
    .replace(/[ßẞ]/g, 'SS')
    // Letters with no accent to drop, as their languages spell them in ASCII (FØTEX is FOTEX, not F TEX).
    .replace(/Ø/g, 'O')
    .replace(/Æ/g, 'AE')
    .replace(/Œ/g, 'OE')
    .replace(/Ł/g, 'L')
    .replace(/Đ/g, 'D')
    .replace(/['’‘`´ʼ]/g, '');
  // Words of every script are kept: `مطعم الشام` is a merchant, and `BISTRO 東京` another than `BISTRO МАРСЕЛЬ`.
  const tokens = folded
    .replace(/&/g, ' & ')
    .replace(/[^\p{L}\p{M}\p{N}&]+/gu, ' ')
    .replace(SCRIPT_CHANGE, ' ')
    .split(' ')
    .filter((token) => token !== '' && !isReference(token));
  // Before a name in Latin letters, words of another script are the bank's wording, as `POS Purchase`
  // is (`Оплата услуг FLORBIT`, `口座振替 NTTドコモ`), which the patterns above know in Latin only.
  const firstLatin = tokens.findIndex((token) => isLatinWord(token) && /[A-Z]/.test(token));
  return firstLatin > 0 ? tokens.slice(firstLatin) : tokens;
}

/**
 * `unicodeTokens` of upper-case ASCII in one pass: runs of letters and digits (an apostrophe or
 * backtick inside one is dropped, not a break), `&` a word of its own, anything else a break.
 */
function asciiTokens(upper: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  let quoted = false;
  for (let i = 0; i <= upper.length; i += 1) {
    const c = i < upper.length ? upper.charCodeAt(i) : 32;
    if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
      continue;
    }
    if (c === 39 || c === 96) {
      quoted ||= start >= 0;
      continue;
    }
    if (start >= 0) {
      const token = quoted ? upper.slice(start, i).replace(/['`]/g, '') : upper.slice(start, i);
      if (!isReference(token)) tokens.push(token);
      start = -1;
      quoted = false;
    }
    if (c === 38) tokens.push('&');
  }
  return tokens;
}

function isTrailingNoise(token: string): boolean {
  return LEGAL_FORMS.has(token) || REGION_CODES.has(token) || DOMAIN_SUFFIXES.has(token) || token === '&';
}

/** Store numbers, card tails, authorisation codes: numbers, or a mix of letters and several digits. */
function isReference(token: string): boolean {
  if (DIGIT_NAMES.has(token)) return false;
  let digits = 0;
  for (let i = 0; i < token.length; i += 1) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += 1;
  }
  if (digits === 0) return false;
  if (digits === token.length) return digits >= 2 || token === '0';
  return digits >= 3 || (digits >= 2 && token.length >= 5);
}
