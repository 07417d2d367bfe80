import { normalizeStatementText } from '../categorizers/rules.categorizer.js';
import { isLatinWord, merchantKey } from '../merchant/normalize.js';

/** What the learned model reads of a transaction. */
export interface LearningInput {
  amount: string;
  merchantName: string | null;
  description: string | null;
}

/** Character n-gram sizes taken from each word, with its boundaries marked. */
const NGRAM_SIZES = [3] as const;

/**
 * The features of a transaction for the learned model, each once: the words of its normalised
 * text (merchant name and description), adjacent word pairs, character n-grams of each word (so
 * `CHECKERS` and `CHECKERSHYPER` share evidence), the words of other scripts and their character
 * pairs (otherScriptFeatures), the amount's direction and its order of
 * magnitude, and the direction joined with the magnitude. Pure and deterministic: a correction's
 * features can be stored and taken back exactly.
 */
export function extractFeatures(input: LearningInput): string[] {
  const features = new Set<string>();
  const merchant = input.merchantName ? normalizeStatementText(input.merchantName) : '';
  const description = input.description ? normalizeStatementText(input.description) : '';
  const text = description === merchant ? merchant : `${merchant} ${description}`.trim();
  const words = text === '' ? [] : text.split(' ').filter((w) => !/^\d+$/.test(w));
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    features.add(`w:${word}`);
    if (i + 1 < words.length) features.add(`b:${word}_${words[i + 1]}`);
    const marked = `^${word}$`;
    for (const n of NGRAM_SIZES) {
      for (let start = 0; start + n <= marked.length; start += 1) features.add(`c:${marked.slice(start, start + n)}`);
    }
  }
  for (const feature of otherScriptFeatures(input)) features.add(feature);
  const { sign, magnitude } = amountShape(input.amount);
  features.add(`s:${sign}`);
  features.add(`m:${magnitude}`);
  features.add(`sm:${sign}${magnitude}`);
  return [...features];
}

const ASCII_TEXT = /^[\x20-\x7e]*$/;
const NONE: readonly string[] = [];

/**
 * The words of other scripts than Latin the line's merchant key holds (`مطعم`, `ПЕКАРНЯ`), and their
 * character pairs, since Chinese, Japanese and Thai write a name without spaces (`炸酱面` shares `酱面`
 * with `炒酱面`): the statement text the rest is read from keeps Latin letters only. Empty for an
 * ASCII line, which is almost every line, without reading it twice.
 */
function otherScriptFeatures(input: LearningInput): readonly string[] {
  if ((!input.merchantName || ASCII_TEXT.test(input.merchantName)) && (!input.description || ASCII_TEXT.test(input.description))) return NONE;
  const features: string[] = [];
  for (const source of [input.merchantName, input.description]) {
    if (!source || ASCII_TEXT.test(source)) continue;
    for (const word of merchantKey(source).split(' ')) {
      if (word === '' || isLatinWord(word)) continue;
      features.push(`u:${word}`);
      const letters = [...word];
      for (let i = 0; i + 1 < letters.length; i += 1) features.push(`v:${letters[i]}${letters[i + 1]}`);
    }
  }
  return features;
}

/** Direction and order of magnitude (0 for under 10, 1 for under 100, …) of a decimal string, read without a float. */
export function amountShape(amount: string): { sign: '-' | '+' | '0'; magnitude: number } {
  const trimmed = amount.trim();
  let start = trimmed.startsWith('-') || trimmed.startsWith('+') ? 1 : 0;
  const dot = trimmed.indexOf('.', start);
  const end = dot < 0 ? trimmed.length : dot;
  while (start < end && trimmed.charCodeAt(start) === 48) start += 1;
  let nonZero = false;
  for (let i = 0; i < trimmed.length && !nonZero; i += 1) {
    const c = trimmed.charCodeAt(i);
    nonZero = c >= 49 && c <= 57;
  }
  return { sign: !nonZero ? '0' : trimmed.startsWith('-') ? '-' : '+', magnitude: Math.max(0, end - start - 1) };
}

/**
 * The features of `extractFeatures`, hashed, in the same order and without building a string:
 * what the model reads when it scores a line (NaiveBayesModel.answerHashed). Each feature is two
 * independent 32-bit hashes of its string (featureHash), so a false match of a feature the model
 * never saw needs both to collide (about 1 in 2^62 per pair). Duplicates are left in; the model
 * counts each known feature once.
 */
export class HashedFeatures {
  h1 = new Int32Array(128);
  h2 = new Int32Array(128);
  length = 0;
  /** How many of them, first, come from the line's text (the rest: the amount's shape). */
  textLength = 0;

  push(h1: number, h2: number): void {
    if (this.length === this.h1.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.h1 = grow(this.h1);
      this.h2 = grow(this.h2);
    }
    this.h1[this.length] = h1;
    this.h2[this.length] = h2;
    this.length += 1;
  }
}

const H1_SEED = 0x811c9dc5;
const H2_SEED = 0x9747b28c;
/** FNV-1a, one character (UTF-16 code unit) at a time. */
const step1 = (h: number, c: number) => Math.imul(h ^ c, 0x01000193);
/** A multiply-xorshift mix (murmur's constant), independent of FNV. */
const step2 = (h: number, c: number) => {
  const m = Math.imul(h ^ c, 0x5bd1e995);
  return m ^ (m >>> 13);
};

/** The two hashes of a feature string, as `hashFeatures` computes them while reading a line. */
export function featureHash(feature: string): [number, number] {
  let h1 = H1_SEED;
  let h2 = H2_SEED;
  for (let i = 0; i < feature.length; i += 1) {
    const c = feature.charCodeAt(i);
    h1 = step1(h1, c);
    h2 = step2(h2, c);
  }
  return [h1, h2];
}

function prefixState(prefix: string): [number, number] {
  return featureHash(prefix);
}

const [W1, W2] = prefixState('w:');
const [B1, B2] = prefixState('b:');
const [C1, C2] = prefixState('c:');
const UNDERSCORE = 95;
const CARET = 94;
const DOLLAR = 36;
const SPACE = 32;
/** The hashes of the amount features (`s:-`, `m:3`, `sm:-3`), made once per distinct shape. */
const shapeHashes = new Map<string, Array<[number, number]>>();

/** Fills `out` with the hashes of `extractFeatures(input)`, first occurrences in its order. */
export function hashFeatures(input: LearningInput, out: HashedFeatures): HashedFeatures {
  out.length = 0;
  const merchant = input.merchantName ? normalizeStatementText(input.merchantName) : '';
  const description = input.description ? normalizeStatementText(input.description) : '';
  if (description === merchant) hashWords(merchant, '', out);
  else if (merchant === '') hashWords(description, '', out);
  else if (description === '') hashWords(merchant, '', out);
  else hashWords(merchant, description, out);
  for (const feature of otherScriptFeatures(input)) out.push(...featureHash(feature));
  out.textLength = out.length;
  const { sign, magnitude } = amountShape(input.amount);
  const shape = `${sign}${magnitude}`;
  let hashes = shapeHashes.get(shape);
  if (!hashes) {
    hashes = [featureHash(`s:${sign}`), featureHash(`m:${magnitude}`), featureHash(`sm:${shape}`)];
    shapeHashes.set(shape, hashes);
  }
  for (const [h1, h2] of hashes) out.push(h1, h2);
  return out;
}

/** Word boundaries of the line being hashed (start, end pairs), reused from line to line. */
let bounds = new Int32Array(64);

/**
 * The words of `first` then `second` (the text `extractFeatures` joins with a space; both are
 * normalised: single spaces, none at the ends), numbers left out, hashed in its order: per word
 * its `w:`, its pair with the next word, its n-grams.
 */
function hashWords(first: string, second: string, out: HashedFeatures): void {
  const text = second === '' ? first : `${first} ${second}`;
  let words = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i += 1) {
    if (i < text.length && text.charCodeAt(i) !== SPACE) continue;
    if (i > start && !allDigits(text, start, i)) {
      if (2 * words + 2 > bounds.length) {
        const grown = new Int32Array(bounds.length * 2);
        grown.set(bounds);
        bounds = grown;
      }
      bounds[2 * words] = start;
      bounds[2 * words + 1] = i;
      words += 1;
    }
    start = i + 1;
  }
  for (let w = 0; w < words; w += 1) {
    const wordStart = bounds[2 * w] as number;
    const wordEnd = bounds[2 * w + 1] as number;
    hashWord(text, wordStart, wordEnd, out);
    if (w + 1 < words) hashPair(text, wordStart, wordEnd, bounds[2 * w + 2] as number, bounds[2 * w + 3] as number, out);
    hashGrams(text, wordStart, wordEnd, out);
  }
}

function allDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function hashWord(text: string, start: number, end: number, out: HashedFeatures): void {
  let h1 = W1;
  let h2 = W2;
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    h1 = step1(h1, c);
    h2 = step2(h2, c);
  }
  out.push(h1, h2);
}

/** The n-grams (NGRAM_SIZES) of `^word$`: positions 0 (^) … length + 1 ($). */
function hashGrams(text: string, start: number, end: number, out: HashedFeatures): void {
  const length = end - start;
  for (const n of NGRAM_SIZES) {
    for (let k = 0; k + n <= length + 2; k += 1) {
      let g1 = C1;
      let g2 = C2;
      for (let j = k; j < k + n; j += 1) {
        const c = j === 0 ? CARET : j === length + 1 ? DOLLAR : text.charCodeAt(start + j - 1);
        g1 = step1(g1, c);
        g2 = step2(g2, c);
      }
      out.push(g1, g2);
    }
  }
}

function hashPair(text: string, aStart: number, aEnd: number, bStart: number, bEnd: number, out: HashedFeatures): void {
  let h1 = B1;
  let h2 = B2;
  for (let i = aStart; i < aEnd; i += 1) {
    const c = text.charCodeAt(i);
    h1 = step1(h1, c);
    h2 = step2(h2, c);
  }
  h1 = step1(h1, UNDERSCORE);
  h2 = step2(h2, UNDERSCORE);
  for (let i = bStart; i < bEnd; i += 1) {
    const c = text.charCodeAt(i);
    h1 = step1(h1, c);
    h2 = step2(h2, c);
  }
  out.push(h1, h2);
}
