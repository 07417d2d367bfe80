import type { Categorization } from './categorizer.js';
import type { BrandCandidate, BrandIndex, BrandMatch } from './brands/brand-index.js';
import type { LineFacts, LocalLayer } from './layer.js';
import type { LexiconIndex } from './lexicon.js';
import { categoryOfMcc } from './mcc.js';
import { isLatinKey, isLatinWord } from '../merchant/normalize.js';
import type { RuleMatch, RulesCategorizer } from './rules.categorizer.js';
import { PRIORITY, type CategoryRule, type RuleCategory } from './rules.data.js';

/*
 * Confidence is calibrated, not a match score: each value below is what share of the answers of
 * that kind were right on the labelled sets (bench/categorizer-accuracy.ts prints the reliability table),
 * rounded down. Answers at 0.9 or more are the strong band: bank wording, curated and indexed
 * brands, merchant category codes.
 */
export const CONFIDENCE = {
  mcc: 0.9,
  rulesBrand: 0.95,
  rulesBankWording: 0.93,
  rulesKeyword: 0.85,
  rulesTransferWord: 0.7,
  rulesGeneric: 0.6,
  rulesTruncated: 0.5,
  brandSure: 0.9,
  brandByWording: 0.9,
  brandCommonWord: 0.85,
  brandMostly: 0.8,
  brandInside: 0.75,
  lexicon: 0.85,
  lexiconMixed: 0.55,
  lexiconCut: 0.6,
} as const;

/** Answers at or above this are strong: trusted before a learned model (see LayeredCategorizer.strongOnly). */
export const STRONG_CONFIDENCE = 0.9;

const BANK_CATEGORIES: ReadonlySet<RuleCategory> = new Set(['INCOME', 'TRANSFER_IN', 'TRANSFER_OUT', 'LOAN_PAYMENTS', 'BANK_FEES']);

/** A merchant category code sent by the feed. */
export function mccLayer(): LocalLayer {
  return {
    name: 'mcc',
    categorize(line) {
      const category = categoryOfMcc(line.transaction.mcc);
      if (category === undefined) return undefined;
      // ATM and money-transfer codes say money left; a credit under them is a refund or reversal.
      if (BANK_CATEGORIES.has(category) && line.sign !== 'debit') return undefined;
      return { category, confidence: CONFIDENCE.mcc, source: `rules:mcc:${String(line.transaction.mcc).trim()}` };
    },
  };
}

/** The rules pass, run once per line and shared by the rules layers. */
function ruleMatchOf(rules: RulesCategorizer, line: LineFacts): RuleMatch | undefined {
  if (line.memo.has('rules')) return line.memo.get('rules') as RuleMatch | undefined;
  const match = rules.matchTexts(line.merchantWords, line.descriptionWords, line.sign, line.countries);
  line.memo.set('rules', match);
  return match;
}

/** Which rule answers a rules layer gives. */
export type RuleBand = (rule: CategoryRule, match: RuleMatch) => boolean;

export const RULE_BANDS = {
  /** Bank and card wording (fees, cash, salaries, transfers, card repayments) and the curated brands. */
  strong: (rule, match) => !match.truncated && (rule.priority >= PRIORITY.brand || (BANK_CATEGORIES.has(rule.category) && rule.priority >= PRIORITY.savingsMove)),
  /** Specific keywords and the brands other brands beat (insurers, P2P apps). */
  keywords: (rule, match) => !match.truncated && rule.priority >= PRIORITY.keyword,
  /** Generic words, transfer words, cut-off keywords. */
  weak: () => true,
} satisfies Record<string, RuleBand>;

/** The answer of the rules categorizer when its winning rule falls in the band. */
export function rulesLayer(rules: RulesCategorizer, band: RuleBand): LocalLayer {
  return {
    name: 'rules',
    categorize(line) {
      const match = ruleMatchOf(rules, line);
      if (match === undefined || !band(match.rule, match)) return undefined;
      const answer: Categorization = { category: match.rule.category, confidence: calibratedRuleConfidence(match), source: `rules:${match.rule.id}` };
      const brand = match.truncated ? undefined : rules.brandNameOf(match.rule, line.merchantWords, line.descriptionWords);
      return brand === undefined ? answer : { ...answer, brand };
    },
  };
}

function calibratedRuleConfidence({ rule, confidence, truncated }: RuleMatch): number {
  if (truncated) return CONFIDENCE.rulesTruncated;
  if (rule.generic) return CONFIDENCE.rulesGeneric;
  if (rule.priority <= PRIORITY.paymentMechanism) return CONFIDENCE.rulesTransferWord;
  if (rule.priority >= PRIORITY.yieldingBrand && confidence >= 0.9) return CONFIDENCE.rulesBrand;
  if (BANK_CATEGORIES.has(rule.category) && rule.priority >= PRIORITY.savingsMove) return CONFIDENCE.rulesBankWording;
  return CONFIDENCE.rulesKeyword;
}

/**
 * Brands of the account's market from the name-suggestion-index. `start`: the merchant begins with
 * the brand (`Checkers Ballito`, `SHELL OIL 5744`); `inside`: the brand stands later in the line
 * and is distinctive (several words, or a long word that is no common word).
 */
export function brandLayer(index: BrandIndex, lexicon: LexiconIndex, where: 'start' | 'inside'): LocalLayer {
  return {
    name: 'brands',
    categorize(line) {
      for (const key of [line.merchant.key, line.descriptionKey]) {
        const words = brandWords(key);
        if (words.length === 0) continue;
        const match = where === 'start' ? index.atStart(words, line.countries) : (index.gluedAtStart(words, line.countries) ?? index.inside(words, line.countries));
        if (match) {
          const answer = decideBrand(match, line, lexicon, where);
          if (answer) return answer;
        }
      }
      return undefined;
    },
  };
}

/**
 * The words of a merchant key the brand index can hold: its names are in Latin letters, so the words
 * of other scripts are left out, as bank wording is (`口座振替 NTTドコモ` is looked up as `NTT`).
 */
function brandWords(key: string): string[] {
  if (key === '') return [];
  const words = key.split(' ');
  return isLatinKey(key) ? words : words.filter(isLatinWord);
}

/**
 * A brand in several categories (Shell: fuel, shop, car wash) is decided by the line's wording, else
 * by what it mostly is. A brand that is also a common word gives way when the line names another
 * kind of business (`ADMIRAL INSURANCE` is not the Admiral arcades).
 */
function decideBrand(match: BrandMatch, line: LineFacts, lexicon: LexiconIndex, where: 'start' | 'inside'): Categorization | undefined {
  const categories = [...new Set(match.candidates.map((c) => c.category))];
  const first = match.candidates[0] as BrandCandidate;
  const source = `rules:brand:${match.key}`;
  const brand = match.key;
  if (first.common && lexicon.hitsOf(line).some((hit) => !categories.includes(hit.category))) return undefined;
  if (where === 'inside' || match.glued) return { category: first.category, confidence: CONFIDENCE.brandInside, source, brand };
  if (categories.length > 1) {
    const named = lexicon.hitsOf(line).find((hit) => categories.includes(hit.category));
    if (named) return { category: named.category, confidence: CONFIDENCE.brandByWording, source, brand };
    return { category: first.category, confidence: CONFIDENCE.brandMostly, source, brand };
  }
  return { category: first.category, confidence: first.common ? CONFIDENCE.brandCommonWord : CONFIDENCE.brandSure, source, brand };
}

/** Words naming a kind of business, in the languages of our markets. */
export function lexiconLayer(lexicon: LexiconIndex): LocalLayer {
  return {
    name: 'lexicon',
    categorize(line) {
      const hits = lexicon.hitsOf(line);
      const first = hits[0];
      if (first === undefined) return undefined;
      const mixed = hits.some((hit) => hit.category !== first.category);
      const confidence = first.cut ? CONFIDENCE.lexiconCut : mixed ? CONFIDENCE.lexiconMixed : CONFIDENCE.lexicon;
      return { category: first.category, confidence, source: `rules:lexicon:${first.phrase}` };
    },
  };
}
