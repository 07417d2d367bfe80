import { normalizeStatementText } from '../categorizers/rules.categorizer.js';

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
 * `CHECKERS` and `CHECKERSHYPER` share evidence), the amount's direction and its order of
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
  const { sign, magnitude } = amountShape(input.amount);
  features.add(`s:${sign}`);
  features.add(`m:${magnitude}`);
  features.add(`sm:${sign}${magnitude}`);
  return [...features];
}

/** Direction and order of magnitude (0 for under 10, 1 for under 100, …) of a decimal string, read without a float. */
export function amountShape(amount: string): { sign: '-' | '+' | '0'; magnitude: number } {
  const trimmed = amount.trim();
  const negative = trimmed.startsWith('-');
  const whole = trimmed.replace(/^[-+]/, '').split('.')[0]?.replace(/^0+/, '') ?? '';
  const nonZero = /[1-9]/.test(trimmed);
  return { sign: !nonZero ? '0' : negative ? '-' : '+', magnitude: Math.max(0, whole.length - 1) };
}
