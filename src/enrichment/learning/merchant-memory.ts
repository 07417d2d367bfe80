import type { Category } from '../../domain/taxonomy.js';

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

/**
 * What an integration's corrections say about each merchant: per merchant key, the corrections
 * per category. The answer is the category with most votes (the newest on a tie); its confidence
 * grows with agreement and drops with disagreement: votes / (all votes + 0.5), so one correction
 * answers with 0.67, three agreeing with 0.86, two against one with 0.57.
 */
export class MerchantMemory {
  private readonly byKey = new Map<string, Map<Category, MerchantVote>>();

  static fromVotes(votes: Iterable<MerchantVote>): MerchantMemory {
    const memory = new MerchantMemory();
    for (const vote of votes) memory.add(vote.merchantKey, vote.category, vote.votes, vote.lastSeq);
    return memory;
  }

  /** Adds `votes` (negative takes corrections back) for a merchant's category. */
  add(merchantKey: string, category: Category, votes = 1, seq = 0): void {
    if (merchantKey === '') return;
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

  answer(merchantKey: string): MerchantAnswer | undefined {
    const categories = this.byKey.get(merchantKey);
    if (!categories) return undefined;
    let best: MerchantVote | undefined;
    let total = 0;
    for (const vote of categories.values()) {
      total += vote.votes;
      if (!best || vote.votes > best.votes || (vote.votes === best.votes && vote.lastSeq > best.lastSeq)) best = vote;
    }
    if (!best) return undefined;
    return { category: best.category, confidence: best.votes / (total + 0.5), votes: best.votes };
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Every vote, for storing or copying. */
  votes(): MerchantVote[] {
    return [...this.byKey.values()].flatMap((categories) => [...categories.values()].map((vote) => ({ ...vote })));
  }
}
