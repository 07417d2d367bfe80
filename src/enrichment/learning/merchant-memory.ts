import { directionOfCategory, type Category } from '../../domain/taxonomy.js';

/** One merchant's votes for one category: how many corrections say so, and the latest of them. */
export interface MerchantVote {
  merchantKey: string;
  category: Category;
  votes: number;
  /** A sequence number (or time) of the latest correction; breaks ties toward the newest. */
  lastSeq: number;
}

export interface MerchantAnswer {
  category: Category;
  confidence: number;
  votes: number;
}

/** Which way the line's money moves: a remembered category that cannot move that way is no answer for it. */
export type Direction = 'credit' | 'debit' | null;

/**
 * A family of merchant keys is named by at least this many letters (`THE`, `DR`, `MR` name no
 * merchant; `SERVEST`, `PNP FAM` do).
 */
const MIN_FAMILY_LETTERS = 4;
/** A family answers only when this share of its votes agree (a shared first word of mixed kinds is no evidence). */
const MIN_FAMILY_AGREEMENT = 0.75;
/** A family's answer is an inference about another branch or spelling, less sure than the merchant's own. */
const FAMILY_DISCOUNT = 0.85;

/**
 * What an integration's corrections say about each merchant: per merchant key, the corrections
 * per category. The answer is the category with most votes (the newest on a tie); its confidence
 * grows with agreement and drops with disagreement: votes / (all votes + 0.5), so one correction
 * answers with 0.67, three agreeing with 0.86, two against one with 0.57. Votes for a category
 * that moves money the other way than the line (TRANSFER_IN for a debit) do not count: `… Transfer
 * To Savings` and `… Transfer From Savings` are one key but not one answer.
 *
 * Besides its own key, a line finds its *family*: the corrected keys that begin with the same
 * words, longest shared beginning first — the same chain at another branch (`SERVEST HYDE PARK`,
 * `SERVEST MORNINGSIDE`), a name a terminal cut short (`UMHLALI COUNTRY CLU`), an outlet suffix.
 */
export class MerchantMemory {
  private readonly byKey = new Map<string, Map<Category, MerchantVote>>();
  /** Votes per leading run of words of every key (the key itself included), built when first asked. */
  private families: Map<string, Family> | undefined;

  static fromVotes(votes: Iterable<MerchantVote>): MerchantMemory {
    const memory = new MerchantMemory();
    for (const vote of votes) memory.add(vote.merchantKey, vote.category, vote.votes, vote.lastSeq);
    return memory;
  }

  /** Adds `votes` (negative takes corrections back) for a merchant's category. */
  add(merchantKey: string, category: Category, votes = 1, seq = 0): void {
    if (merchantKey === '') return;
    this.families = undefined;
    let categories = this.byKey.get(merchantKey);
    if (!categories) {
      categories = new Map();
      this.byKey.set(merchantKey, categories);
    }
    const vote = categories.get(category) ?? { merchantKey, category, votes: 0, lastSeq: 0 };
    vote.votes += votes;
    if (votes > 0) vote.lastSeq = Math.max(vote.lastSeq, seq);
    if (vote.votes <= 0) categories.delete(category);
    else categories.set(category, vote);
    if (categories.size === 0) this.byKey.delete(merchantKey);
  }

  /** What the integration's people said about this very merchant. */
  answer(merchantKey: string, direction: Direction = null): MerchantAnswer | undefined {
    const categories = this.byKey.get(merchantKey);
    if (!categories) return undefined;
    let best: MerchantVote | undefined;
    let total = 0;
    for (const vote of categories.values()) {
      if (!fitsDirection(vote.category, direction)) continue;
      total += vote.votes;
      if (!best || vote.votes > best.votes || (vote.votes === best.votes && vote.lastSeq > best.lastSeq)) best = vote;
    }
    if (!best) return undefined;
    return { category: best.category, confidence: best.votes / (total + 0.5), votes: best.votes };
  }

  /**
   * What they said about the merchant's family: the corrected keys sharing the longest run of
   * leading words with this one (of at least MIN_FAMILY_LETTERS letters), when they agree.
   */
  familyAnswer(merchantKey: string, direction: Direction = null): MerchantAnswer | undefined {
    if (merchantKey === '') return undefined;
    const families = (this.families ??= this.indexFamilies());
    // Where each word ends: the key's leading runs of words are its slices up to them.
    const ends: number[] = [];
    for (let i = 0; i <= merchantKey.length; i += 1) if (i === merchantKey.length || merchantKey.charCodeAt(i) === 32) ends.push(i);
    const words = ends.length;
    for (let length = words; length >= 1; length -= 1) {
      const prefix = length === words ? merchantKey : merchantKey.slice(0, ends[length - 1]);
      if (prefix.length - (length - 1) < MIN_FAMILY_LETTERS) break;
      const family = families.get(prefix);
      // A run of words begun by one corrected key only is a family when it is most of both keys (a
      // name cut short, an outlet suffix); else it takes several keys sharing it to name a chain
      // (`SERVEST PAR`, `SERVEST HYDE PARK`): one merchant's first word may be its town (`UMHLALI …`).
      if (!family || (family.keys < 2 && !(2 * length > words && 2 * length > family.longestWords))) continue;
      // The longest shared beginning decides: a disagreeing family is not overruled by a vaguer one.
      const agreed = agreedVotes(family.votes, direction);
      if (agreed === 'none') continue;
      return agreed && { ...agreed, confidence: FAMILY_DISCOUNT * agreed.confidence };
    }
    return undefined;
  }

  /** The corrected keys that begin with these words (`SHELL`: `SHELL`, `SHELL ULTRA CITY BALLITO`). */
  keysBeginning(words: string): readonly string[] {
    return (this.families ??= this.indexFamilies()).get(words)?.members ?? [];
  }

  /** What they said about several keys taken as one merchant, when they agree. */
  answerOfKeys(keys: Iterable<string>, direction: Direction = null): MerchantAnswer | undefined {
    const votes = new Map<Category, number>();
    for (const key of keys) {
      for (const vote of this.byKey.get(key)?.values() ?? []) votes.set(vote.category, (votes.get(vote.category) ?? 0) + vote.votes);
    }
    const agreed = agreedVotes(votes, direction);
    return agreed === 'none' ? undefined : agreed;
  }

  /**
   * The longest corrected key that the line's key begins with, whole words, shorter than it (`MAMA
   * ZULU KITCHEN` for `MAMA ZULU KITCHEN BALLITO`: a branch suffix), of at least MIN_FAMILY_LETTERS.
   */
  longestKeyBefore(merchantKey: string): string | undefined {
    const firstSpace = merchantKey.indexOf(' ');
    // Most lines begin with a word no corrected key begins with.
    if (firstSpace < 0 || !(this.families ??= this.indexFamilies()).has(merchantKey.slice(0, firstSpace))) return undefined;
    let spaces = 0;
    for (let i = 0; i < merchantKey.length; i += 1) if (merchantKey.charCodeAt(i) === 32) spaces += 1;
    for (let end = merchantKey.lastIndexOf(' '); end > 0; end = merchantKey.lastIndexOf(' ', end - 1)) {
      spaces -= 1;
      if (end - spaces < MIN_FAMILY_LETTERS) return undefined;
      const prefix = merchantKey.slice(0, end);
      if (this.byKey.has(prefix)) return prefix;
    }
    return undefined;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Every vote, for storing or copying. */
  votes(): MerchantVote[] {
    return [...this.byKey.values()].flatMap((categories) => [...categories.values()].map((vote) => ({ ...vote })));
  }

  private indexFamilies(): Map<string, Family> {
    const families = new Map<string, Family>();
    for (const [key, categories] of this.byKey) {
      const words = key.split(' ');
      for (let length = 1; length <= words.length; length += 1) {
        const prefix = words.slice(0, length).join(' ');
        let family = families.get(prefix);
        if (!family) {
          family = { votes: new Map(), keys: 0, longestWords: 0, members: [] };
          families.set(prefix, family);
        }
        family.keys += 1;
        family.members.push(key);
        family.longestWords = Math.max(family.longestWords, words.length);
        for (const vote of categories.values()) family.votes.set(vote.category, (family.votes.get(vote.category) ?? 0) + vote.votes);
      }
    }
    return families;
  }
}

/** The corrected keys that begin with one run of words. */
interface Family {
  votes: Map<Category, number>;
  /** How many distinct keys begin with it. */
  keys: number;
  /** The most words of a key in it. */
  longestWords: number;
  /** The keys themselves. */
  members: string[];
}

/**
 * The answer of a family's votes: the category with most, among those that can move money the line's way,
 * when at least MIN_FAMILY_AGREEMENT of them agree; `undefined` when they disagree, `'none'` when no
 * vote fits the line's direction.
 */
function agreedVotes(byCategory: ReadonlyMap<Category, number>, direction: Direction): MerchantAnswer | undefined | 'none' {
  let best: Category | undefined;
  let bestVotes = 0;
  let total = 0;
  for (const [category, votes] of byCategory) {
    if (!fitsDirection(category, direction)) continue;
    total += votes;
    if (votes > bestVotes) [best, bestVotes] = [category, votes];
  }
  if (best === undefined) return 'none';
  if (bestVotes / total < MIN_FAMILY_AGREEMENT) return undefined;
  return { category: best, confidence: bestVotes / (total + 0.5), votes: bestVotes };
}

/** Whether a category can move money the line's way (a line without direction fits every one). */
export function fitsDirection(category: Category, direction: Direction): boolean {
  const only = directionOfCategory(category);
  return only === undefined || direction === null || only === direction;
}
