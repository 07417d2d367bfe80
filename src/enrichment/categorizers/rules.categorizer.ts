import { amountSign } from '../../domain/money.js';
import type { BrandReading, CategorizableTransaction, Categorization, Categorizer } from './categorizer.js';
import { latinOfJapanese } from './japanese.data.js';
import { CATEGORY_RULES, PRIORITY, type CategoryRule } from './rules.data.js';

/*
 * Confidence scheme. It says how the winning rule matched, not how often the rule is right:
 *   brand pattern, the whole merchant name          0.95
 *   brand pattern, inside the merchant name         0.92
 *   brand pattern, inside the description           0.90
 *   keyword, in the merchant name / description     0.80 / 0.75
 *   generic keyword, merchant name / description    0.60 / 0.55
 *   truncated keyword at the end of the text        0.5
 *   no rule matched (UNCATEGORIZED)                 0
 * A merchant name beats a description because an aggregator has already cleaned it; a brand
 * beats a keyword because CAFE or FEE name a kind of business, a brand names the business.
 */
const CONFIDENCE = {
  brandExact: 0.95,
  brandInMerchant: 0.92,
  brandInDescription: 0.9,
  keywordInMerchant: 0.8,
  keywordInDescription: 0.75,
  genericInMerchant: 0.6,
  genericInDescription: 0.55,
  truncated: 0.5,
  none: 0,
} as const;

const MONTH = '(?:JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?|SEP(?:T(?:EMBER)?)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)';

/** Dates, times, masked card numbers, store and terminal numbers: they differ on every line and say nothing about the merchant. */
const NOISE: readonly RegExp[] = [
  // New Zealand card lines start with the masked card number and Df: `4835-****-****-2211 Df`.
  /\b\d{4}-\*{4}-\*{4}-\d{4}(?: D[FR]\b)?/g,
  /\b\d{1,2}:\d{2}(?::\d{2})?\b/g,
  /\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b/g,
  /\b\d{1,2}[-/.]\d{1,2}(?:[-/.]\d{2,4})?\b/g,
  new RegExp(`\\b\\d{1,2} ?${MONTH}\\b(?: ?\\d{2,4}\\b)?`, 'g'),
  new RegExp(`\\b${MONTH} ?\\d{1,2}\\b`, 'g'),
  /\b(?:CARD|CRD)(?: ?(?:NO|NUMBER|NBR|ENDING(?: IN)?))?\.?:? ?#? ?[X*]*\d{4}\b/g,
  /\bCARD NO\b\.?/g,
  /\bX{2,}\d*\b|\*{2,}\d*/g,
  /\b(?:STORE|STR|UNIT|BRANCH|LOC|TERMINAL|TERM|ID|REF|REFERENCE|TRACE|SEQ)(?: ?(?:NO|NUM|#))?[.:]? ?#? ?\d+\b/g,
];

/**
 * Words banks and card processors put before the merchant. Stripped only at the start (repeatedly),
 * since the same words later in a line may be the merchant's own.
 */
const LEADING_PREFIX =
  /^(?:POS (?:PURCHASE|DEBIT|TRANSACTION|REFUND|CREDIT)|POS|PIN (?:PURCHASE|DEBIT)|DEBIT CARD (?:PURCHASE|DEBIT|PAYMENT)|DEBIT CARD|DEBIT PURCHASE|DBT CRD|DDA (?:PURCHASE|DEBIT)|CHECK ?CARD(?: PURCHASE)?|CARD (?:PURCHASE|TRANSACTION|PAYMENT TO)|VISA (?:DEBIT|PURCHASE|POS)|VISA|MASTERCARD|MAESTRO|MC PURCHASE|CONTACTLESS(?: (?:PAYMENT|PURCHASE))?|(?:RECURRING |PURCHASE )?(?:PAYMENT |PURCHASE |RETURN )?AUTHORI[SZ]ED ON|RECURRING (?:PAYMENT|PURCHASE|DEBIT|CHARGE)|PURCHASE|INTERAC (?:PURCHASE|RETAIL PURCHASE)|(?:APPLE|GOOGLE|SAMSUNG) PAY|ONLINE PURCHASE)\b[\s:*#-]*/;

/**
 * Payment processors that prefix the merchant with a short code and an asterisk: `SQ *BLUE BOTTLE`,
 * and those of more markets (`VIPPS *` in Norway, `PAYSTACK *` and `FLW*` in Nigeria, Mercado Pago's
 * `MERPAGO*`/`MP *`, PagSeguro's `PAG*`, `CLIP MX*`): a wallet that pays a shop is not a transfer.
 */
const PROCESSOR_PREFIX =
  /(?:^|\s)(?:SQU?|TST|PAYPAL|PP|SP|SUMUP|SUM UP|IZ|IZETTLE|ZETTLE|CKO|DRI|FS|WPY|IN|LS|PY|SQSP|GOOGLE|VIPPS|PAYSTACK|FLW|MERPAGO|MERCADOPAGO|MP|PAG|CLIP MX)\s*[*_]+\s*/g;

/** US states and a few country codes that terminals append after the city; only ones that are not common words. */
const TRAILING_REGION = new Set(
  'AL AK AZ AR CA CT DC FL GA IA KS KY MA MD MI MN MO MS MT NC ND NE NH NJ NM NV NY OH PA RI SC SD TN TX UT VA VT WA WI WV WY US USA GB GBR IRL NLD DEU FRA ESP ITA CAN AUS'.split(' '),
);

/** Tokens with digits that are names, not reference numbers. */
const DIGIT_WORDS = new Set(['401K', '403B', '365']);

/**
 * Normalizes a merchant name or bank statement line for matching: ASCII upper case, no dates,
 * card numbers, store numbers, reference codes or processor prefixes (`SQ *`, `TST*`, `PAYPAL *`,
 * `POS PURCHASE`, `CHECKCARD`…), punctuation reduced to spaces except `&` and `+`, which are
 * kept as words of their own (`AT & T`, `DISNEY +`), and single spaces.
 *
 * The last two texts are remembered: the layers of a categorizer and a learned layer in front of
 * it read the same merchant name and description one after the other, and normalising is most of
 * what reading them costs.
 *
 * This is not `normalizeMerchant` (merchant/normalize.ts), on purpose: the rules look for words
 * anywhere in the line, so this keeps what follows the merchant (a town, `INTEREST`, `FEE`) and
 * spells everything in ASCII for their patterns; a merchant key keeps only the name, in its own
 * script, and must not change under a lesson stored with it. A rule written against one would
 * miss under the other.
 */
export function normalizeStatementText(s: string): string {
  if (s === recentInputs[0]) return recentOutputs[0];
  if (s === recentInputs[1]) return recentOutputs[1];
  const normalized = normalizeUncached(s);
  recentInputs[1] = recentInputs[0];
  recentOutputs[1] = recentOutputs[0];
  recentInputs[0] = s;
  recentOutputs[0] = normalized;
  return normalized;
}

const ASCII_ONLY = /^[\x20-\x7e]*$/;

/**
 * Accents dropped (`KORTKÖP` is `KORTKOP`), and the letters that have no accent to drop spelled as
 * their languages spell them in ASCII (`LØNN` is `LONN`, `BAGEREN PÅ HJØRNET`, `FÆRGE`), rather than lost.
 */
function asciiLetters(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[Øø]/g, 'O')
    .replace(/[Ææ]/g, 'AE')
    .replace(/[Œœ]/g, 'OE')
    .replace(/[Łł]/g, 'L')
    .replace(/[Đđ]/g, 'D');
}
const recentInputs: [string | undefined, string | undefined] = [undefined, undefined];
const recentOutputs: [string, string] = ['', ''];

function normalizeUncached(s: string): string {
  // Most lines are ASCII already: decomposing them to drop accents is work for nothing.
  let t = (ASCII_ONLY.test(s) ? s : asciiLetters(latinOfJapanese(s)))
    .toUpperCase()
    .replace(/[’‘`´]/g, "'");
  for (const noise of NOISE) t = t.replace(noise, ' ');
  // A name glued to a store or ticket number (AIR0012345678901, STORE12345) keeps the name.
  t = t.replace(/\b([A-Z]{2,})\d{3,}\b/g, '$1');
  t = t.replace(/\s+/g, ' ').trim();

  // Prefixes nest (`PURCHASE AUTHORIZED ON … SQ *MERCHANT`), so strip until none is left.
  for (let i = 0; i < 6; i += 1) {
    const before = t;
    t = t.replace(LEADING_PREFIX, '').replace(PROCESSOR_PREFIX, ' ').trim();
    if (t === before) break;
  }

  t = t
    .replace(/'/g, '')
    .replace(/([&+])/g, ' $1 ')
    .replace(/[^A-Z0-9&+ ]+/g, ' ');

  const tokens = t.split(' ').filter((token) => token !== '' && !isReferenceToken(token) && token !== 'WWW');
  while (tokens.length > 2 && TRAILING_REGION.has(tokens[tokens.length - 1] ?? '')) tokens.pop();
  return tokens.join(' ');
}

/** Store numbers, card tails, authorisation codes: three or more digits, or a long mix of letters and digits. */
function isReferenceToken(token: string): boolean {
  if (DIGIT_WORDS.has(token)) return false;
  let digits = 0;
  for (let i = 0; i < token.length; i += 1) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += 1;
  }
  if (digits >= 3) return true;
  return digits >= 2 && digits < token.length && token.length >= 5;
}

interface CompiledRule {
  readonly rule: CategoryRule;
  /** Literal starts of its patterns (`TRANSFER` of `TRANSFERS?`); null when some pattern starts with a group and must always be tried. */
  readonly starts: readonly string[] | null;
  readonly brand: RegExp | null;
  readonly brandExact: RegExp | null;
  readonly keyword: RegExp | null;
}

/** One regular expression per pattern list; normalized text separates words by single spaces, so a match must sit between spaces or ends. */
function compile(patterns: readonly string[] | undefined, anchored: boolean): RegExp | null {
  if (patterns === undefined || patterns.length === 0) return null;
  const body = patterns.map((p) => `(?:${p})`).join('|');
  return anchored ? new RegExp(`^(?:${body})$`) : new RegExp(`(?:^| )(?:${body})(?= |$)`);
}

/**
 * The literal word a pattern starts with, up to its first regular-expression syntax: a pattern can
 * only match at a word of the text starting with it. Null for a pattern starting with a group or
 * holding a top-level alternative.
 */
function literalStart(pattern: string): string | null {
  let depth = 0;
  for (const c of pattern) {
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === '|' && depth === 0) return null;
  }
  return /^\^?([A-Z0-9&+]+)(?![?*{])/.exec(pattern)?.[1] ?? null;
}

/** Where a word of the text may start a pattern: its first two characters, or its first for one-character starts. */
function bucketsOf(start: string): string {
  return start.slice(0, 2);
}

type Sign = 'debit' | 'credit' | null;

/** Negative is money out; zero (or unparseable) has no direction, so direction-bound rules skip it. */
export function signOf(amount: string): Sign {
  const sign = amountSign(amount.trim());
  return sign === 0 ? null : sign < 0 ? 'debit' : 'credit';
}

/**
 * Categorizes by keyword and brand rules over the merchant name and the statement description.
 * Rules are tried in descending priority (ties keep their order in the rule list) and the first
 * that matches wins; the answer's source is `rules:<rule id>`, or `rules:none` when nothing matched.
 * Pure CPU: regular expressions are compiled once, in the constructor.
 */
export class RulesCategorizer implements Categorizer {
  readonly name = 'rules';
  readonly version = 'rules@1';
  private readonly compiled: readonly CompiledRule[];
  private readonly byId: ReadonlyMap<string, CompiledRule>;
  private readonly truncations: ReadonlyMap<string, CategoryRule>;
  private readonly byStart = new Map<string, number[]>();
  private readonly alwaysTried: number[] = [];

  constructor(rules: readonly CategoryRule[] = CATEGORY_RULES) {
    const ids = new Set<string>();
    for (const rule of rules) {
      if (ids.has(rule.id)) throw new Error(`duplicate rule id: ${rule.id}`);
      ids.add(rule.id);
    }
    this.compiled = rules
      .map((rule, index) => ({ rule, index }))
      .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index)
      .map(({ rule }) => ({
        rule,
        brand: compile(rule.merchant, false),
        brandExact: compile(rule.merchant, true),
        keyword: compile(rule.description, false),
        starts: startsOf(rule),
      }));
    this.byId = new Map(this.compiled.map((c) => [c.rule.id, c]));
    this.truncations = truncationIndex(this.compiled.map((c) => c.rule));
    for (const [index, { starts }] of this.compiled.entries()) {
      if (starts === null) {
        this.alwaysTried.push(index);
        continue;
      }
      for (const start of starts) {
        const bucket = bucketsOf(start);
        const list = this.byStart.get(bucket) ?? [];
        if (list.at(-1) !== index) list.push(index);
        this.byStart.set(bucket, list);
      }
    }
  }

  /** Rule indexes (in priority order) that may match some word of these texts. */
  private candidates(texts: readonly string[]): Uint8Array {
    const marked = new Uint8Array(this.compiled.length);
    for (const index of this.alwaysTried) marked[index] = 1;
    for (const text of texts) {
      if (text === '') continue;
      for (const word of text.split(' ')) {
        for (const bucket of [word.slice(0, 1), word.slice(0, 2)]) {
          const list = this.byStart.get(bucket);
          if (list) for (const index of list) marked[index] = 1;
        }
      }
    }
    return marked;
  }

  async categorize(transaction: CategorizableTransaction): Promise<Categorization> {
    return this.categorizeSync(transaction);
  }

  /** The synchronous core of `categorize`, for callers (benchmarks, batch jobs) that need no promise. */
  categorizeSync(transaction: Pick<CategorizableTransaction, 'amount' | 'merchantName' | 'description'>): Categorization {
    const [merchant, description] = textsOf(transaction);
    const match = this.matchTexts(merchant, description, signOf(transaction.amount));
    if (match === undefined) return { category: 'UNCATEGORIZED', confidence: CONFIDENCE.none, source: 'rules:none' };
    const answer: Categorization = { category: match.rule.category, confidence: match.confidence, source: `rules:${match.rule.id}` };
    const brand = match.truncated ? undefined : this.brandNameOf(match.rule, merchant, description);
    return brand === undefined ? answer : { ...answer, brand };
  }

  brandOf(transaction: Pick<CategorizableTransaction, 'amount' | 'merchantName' | 'description'>): BrandReading | undefined {
    const answer = this.categorizeSync(transaction);
    return answer.brand === undefined ? undefined : { brand: answer.brand, category: answer.category };
  }

  /** The rule that decides a line and how it matched (`truncated`: only a cut-off keyword at the end), or undefined. */
  match(transaction: Pick<CategorizableTransaction, 'amount' | 'merchantName' | 'description'>): RuleMatch | undefined {
    return this.matchTexts(...textsOf(transaction), signOf(transaction.amount));
  }

  /**
   * The brand a brand rule recognised in these texts (normalised as for `matchTexts`): the shortest
   * leading run of the words its names matched that is itself one of its names (`SHELL` of
   * `SHELL OIL`), so every spelling of one chain gives one name. Undefined for other rules.
   */
  brandNameOf(rule: CategoryRule, merchant: string, description: string): string | undefined {
    if (rule.generic || rule.priority < PRIORITY.yieldingBrand || rule.priority > PRIORITY.compoundBrand) return undefined;
    const compiled = this.byId.get(rule.id);
    if (!compiled?.brand || !compiled.brandExact) return undefined;
    const { brand, brandExact } = compiled;
    const matched = brand.exec(merchant)?.[0] ?? (description === merchant ? undefined : brand.exec(description)?.[0]);
    if (matched === undefined) return undefined;
    const words = matched.trim().split(' ');
    for (let length = 1; length < words.length; length += 1) {
      const name = words.slice(0, length).join(' ');
      if (brandExact.test(name)) return name;
    }
    return words.join(' ');
  }

  /** `match` over texts already passed through `normalizeStatementText`. */
  /** `countries`: the account's market (see `countriesOfCurrency`); rules of other markets are skipped. Absent or empty: every rule is tried. */
  matchTexts(merchant: string, rawDescription: string, sign: Sign, countries: readonly string[] = []): RuleMatch | undefined {
    // Many feeds repeat the merchant name as the description; matching it twice changes nothing.
    const description = rawDescription === merchant ? '' : rawDescription;
    const candidates = this.candidates([merchant, description]);

    for (let index = 0; index < this.compiled.length; index += 1) {
      if (candidates[index] === 0) continue;
      const { rule, brand, brandExact, keyword } = this.compiled[index] as CompiledRule;
      if (rule.sign !== undefined && rule.sign !== sign) continue;
      if (!inMarket(rule, countries)) continue;
      const confidence = matchConfidence(rule, brand, brandExact, keyword, merchant, description);
      if (confidence !== null) return { rule, confidence, truncated: false };
    }
    // Terminals cut descriptors at a fixed width (PLANET FITNESS CLUB FE), so a last word that is
    // only the start of a keyword (…CITY PARKIN) still says something.
    const truncated = this.truncations.get(lastWord(description)) ?? this.truncations.get(lastWord(merchant));
    return truncated && inMarket(truncated, countries) ? { rule: truncated, confidence: CONFIDENCE.truncated, truncated: true } : undefined;
  }
}

/** A line's merchant name and description as `matchTexts` reads them (normalizeStatementText; '' when absent). */
function textsOf(transaction: Pick<CategorizableTransaction, 'merchantName' | 'description'>): [merchant: string, description: string] {
  return [transaction.merchantName ? normalizeStatementText(transaction.merchantName) : '', transaction.description ? normalizeStatementText(transaction.description) : ''];
}

function inMarket(rule: CategoryRule, countries: readonly string[]): boolean {
  return rule.markets === undefined || countries.length === 0 || rule.markets.some((market) => countries.includes(market));
}

/** A rule that decided a line, with the confidence of how it matched. */
export interface RuleMatch {
  readonly rule: CategoryRule;
  readonly confidence: number;
  /** Only a cut-off keyword at the end of the line matched. */
  readonly truncated: boolean;
}

function startsOf(rule: CategoryRule): string[] | null {
  const starts: string[] = [];
  for (const pattern of [...(rule.merchant ?? []), ...(rule.description ?? [])]) {
    const start = literalStart(pattern);
    if (start === null) return null;
    starts.push(start);
  }
  return starts;
}

const MIN_TRUNCATED_LENGTH = 5;
/** A shorter start is too often a word of its own (GARDEN of GARDENING). */
const MIN_TRUNCATED_SHARE = 0.7;

function lastWord(text: string): string {
  return text.slice(text.lastIndexOf(' ') + 1);
}

/**
 * Maps every proper prefix (at least 5 letters and 70% of the word) of the single-word keywords to
 * the rule owning the keyword. A prefix shared by keywords of two categories is dropped, and so is
 * any prefix of a direction-bound rule's keyword (TRANSFE), whose meaning depends on the sign the
 * cut-off word was never checked against. Brands are left out: a cut-off brand is too often the
 * start of some other name.
 */
function truncationIndex(rulesByPriority: readonly CategoryRule[]): Map<string, CategoryRule> {
  const index = new Map<string, CategoryRule>();
  const ambiguous = new Set<string>();
  for (const rule of rulesByPriority) {
    if (rule.description === undefined) continue;
    for (const pattern of rule.description) {
      const word = /^([A-Z]+)(?:S\?)?$/.exec(pattern)?.[1];
      if (word === undefined) continue;
      for (let end = Math.max(MIN_TRUNCATED_LENGTH, Math.ceil(word.length * MIN_TRUNCATED_SHARE)); end < word.length; end += 1) {
        const prefix = word.slice(0, end);
        const owner = index.get(prefix);
        if (rule.sign !== undefined) {
          index.delete(prefix);
          ambiguous.add(prefix);
        } else if (owner === undefined) {
          if (!ambiguous.has(prefix)) index.set(prefix, rule);
        } else if (owner.category !== rule.category) {
          index.delete(prefix);
          ambiguous.add(prefix);
        }
      }
    }
  }
  return index;
}

function matchConfidence(
  rule: CategoryRule,
  brand: RegExp | null,
  brandExact: RegExp | null,
  keyword: RegExp | null,
  merchant: string,
  description: string,
): number | null {
  if (brand !== null) {
    if (merchant !== '' && brand.test(merchant)) {
      if (rule.generic) return CONFIDENCE.genericInMerchant;
      return brandExact?.test(merchant) ? CONFIDENCE.brandExact : CONFIDENCE.brandInMerchant;
    }
    if (description !== '' && brand.test(description)) return rule.generic ? CONFIDENCE.genericInDescription : CONFIDENCE.brandInDescription;
  }
  if (keyword !== null) {
    if (merchant !== '' && keyword.test(merchant)) return rule.generic ? CONFIDENCE.genericInMerchant : CONFIDENCE.keywordInMerchant;
    if (description !== '' && keyword.test(description)) return rule.generic ? CONFIDENCE.genericInDescription : CONFIDENCE.keywordInDescription;
  }
  return null;
}
