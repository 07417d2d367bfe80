import type { LineFacts } from './layer.js';
import { LEXICONS, type Lexicon } from './lexicon.data.js';
import type { RuleCategory } from './rules.data.js';

/** A word of a line that names a kind of business. */
export interface LexiconHit {
  readonly phrase: string;
  readonly category: RuleCategory;
  /** Only the start of a word, cut at the end of the line (`THEATR`). */
  readonly cut?: boolean;
}

const MAX_PHRASE_WORDS = 3;
/** A cut word must keep this many letters, and this share of the word, to count. */
const MIN_CUT_LENGTH = 5;
const MIN_CUT_SHARE = 0.6;
/** A compound must be longer than its ending by this much to count (`STADTAPOTHEKE`, not `APOTHEKE` again). */
const MIN_COMPOUND_EXTRA = 3;

/**
 * The multilingual lexicons as one lookup: phrases of one to three words, and word endings for
 * compounds. A phrase listed under two categories names neither and is dropped.
 */
export class LexiconIndex {
  private readonly phrases = new Map<string, RuleCategory>();
  private readonly endings: (readonly [string, RuleCategory])[] = [];
  private readonly cutWords = new Map<string, RuleCategory>();

  constructor(lexicons: readonly Lexicon[] = LEXICONS) {
    const ambiguous = new Set<string>();
    for (const { category, words, endings } of lexicons) {
      for (const phrase of words) {
        const owner = this.phrases.get(phrase);
        if (owner !== undefined && owner !== category) ambiguous.add(phrase);
        this.phrases.set(phrase, category);
      }
      for (const ending of endings ?? []) this.endings.push([ending, category]);
    }
    for (const phrase of ambiguous) this.phrases.delete(phrase);
    // Starts of single words, for a line the terminal cut mid-word; a start shared by two categories says nothing.
    const cutAmbiguous = new Set<string>();
    for (const [phrase, category] of this.phrases) {
      if (phrase.includes(' ')) continue;
      for (let end = Math.max(MIN_CUT_LENGTH, Math.ceil(phrase.length * MIN_CUT_SHARE)); end < phrase.length; end += 1) {
        const start = phrase.slice(0, end);
        const owner = this.cutWords.get(start);
        if (owner !== undefined && owner !== category) cutAmbiguous.add(start);
        this.cutWords.set(start, category);
      }
    }
    for (const start of cutAmbiguous) this.cutWords.delete(start);
    for (const phrase of this.phrases.keys()) this.cutWords.delete(phrase);
  }

  /** Every hit in a normalized text, in the order of the words. */
  hits(text: string): LexiconHit[] {
    if (text === '') return [];
    const words = text.split(' ');
    const found: LexiconHit[] = [];
    for (let i = 0; i < words.length; i += 1) {
      for (let n = Math.min(MAX_PHRASE_WORDS, words.length - i); n >= 1; n -= 1) {
        const phrase = n === 1 ? (words[i] as string) : words.slice(i, i + n).join(' ');
        const category = this.phrases.get(phrase);
        if (category !== undefined) {
          found.push({ phrase, category });
          i += n - 1;
          break;
        }
        if (n === 1) {
          const word = words[i] as string;
          const ending = this.endings.find(([end]) => word.length >= end.length + MIN_COMPOUND_EXTRA && word.endsWith(end));
          if (ending) found.push({ phrase: word, category: ending[1] });
        }
      }
    }
    const last = words.at(-1) ?? '';
    const cut = found.length === 0 ? this.cutWords.get(last) : undefined;
    if (cut !== undefined) found.push({ phrase: last, category: cut, cut: true });
    return found;
  }

  /** The hits of a line, worked out once per line. */
  hitsOf(line: LineFacts): LexiconHit[] {
    const cached = line.memo.get('lexicon') as LexiconHit[] | undefined;
    if (cached) return cached;
    const hits = this.hits(line.words);
    line.memo.set('lexicon', hits);
    return hits;
  }
}
