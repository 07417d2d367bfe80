import { readFileSync } from 'node:fs';
import type { RuleCategory } from '../rules.data.js';
import { isCategory } from '../../../domain/taxonomy.js';

/** The generated file (`npm run build:brands`); the same relative place from src/ and from dist/. */
const BRANDS_FILE = new URL('../../../../data/brands/brands.json', import.meta.url);

/** One way a name is known: as a brand of this category, in these countries (`*`: everywhere). */
export interface BrandCandidate {
  readonly category: RuleCategory;
  /** Lower is what the brand mostly is (see osm-categories.ts). */
  readonly rank: number;
  readonly countries: ReadonlySet<string> | '*';
  /** The name is also a common word (`Clicks`, `Game`): trusted only at the start of a line. */
  readonly common: boolean;
  /** Set by a reviewed override rather than the index. */
  readonly override?: string;
}

/** A brand found in a merchant key. */
export interface BrandMatch {
  readonly key: string;
  /** Where in the merchant key's words it starts, and how many words it spans. */
  readonly at: number;
  readonly length: number;
  /** Its categories in this market, what it mostly is first. */
  readonly candidates: readonly BrandCandidate[];
  /** Found as the start of a longer word. */
  readonly glued?: boolean;
}

/**
 * Brands whose index tag disagrees with what people pay them for. Reviewed by hand; each says why.
 * Keys are merchant keys; countries the markets where the override holds.
 */
const OVERRIDES: readonly { key: string; countries: string; category: RuleCategory; why: string }[] = [
  { key: 'WOOLWORTHS', countries: 'za', category: 'FOOD_AND_DRINK', why: 'tagged clothes, but most card spend there is its food halls' },
  { key: 'GAME', countries: 'za', category: 'GENERAL_MERCHANDISE', why: 'tagged supermarket, but a general-merchandise and appliance discounter' },
  { key: 'KWIKSPAR', countries: 'za', category: 'FOOD_AND_DRINK', why: 'tagged convenience store, but the Spar group\'s neighbourhood grocer: card spend there is groceries' },
  { key: 'KWIK SPAR', countries: 'za', category: 'FOOD_AND_DRINK', why: 'as KWIKSPAR' },
  { key: 'JET', countries: 'za', category: 'GENERAL_MERCHANDISE', why: 'the clothing chain; the fuel brand of that name, listed worldwide, has no stations here' },
  { key: 'DM', countries: 'at de', category: 'PERSONAL_CARE', why: 'a drugstore (Drogerie): toiletries and cosmetics, no pharmacy' },
  { key: 'DM DROGERIE MARKT', countries: 'at de', category: 'PERSONAL_CARE', why: 'as DM' },
  { key: 'ROSSMANN', countries: 'de', category: 'PERSONAL_CARE', why: 'a drugstore (Drogerie), no pharmacy' },
  { key: 'MULLER', countries: 'at de', category: 'PERSONAL_CARE', why: 'the Müller drugstores' },
  { key: 'BUDNI', countries: 'de', category: 'PERSONAL_CARE', why: 'a drugstore (Drogerie), no pharmacy' },
  { key: 'KRUIDVAT', countries: 'be nl', category: 'PERSONAL_CARE', why: 'a drogisterij: toiletries and cosmetics' },
  { key: 'ETOS', countries: 'nl', category: 'PERSONAL_CARE', why: 'a drogisterij: toiletries and cosmetics' },
  { key: 'TREKPLEISTER', countries: 'nl', category: 'PERSONAL_CARE', why: 'a drogisterij' },
  { key: 'OXXO', countries: 'mx', category: 'GENERAL_MERCHANDISE', why: 'the convenience-store chain; its filling stations trade as OXXO Gas, a name of their own' },
];

interface BrandsFile {
  version: string;
  columns: string[];
  brands: [string, string, number, string, number][];
}

const MAX_BRAND_WORDS = 5;
/** A cut last word must keep this many letters to say which name it was. */
const MIN_CUT_WORD = 3;
/** A brand found glued to more letters must be this long: shorter starts are too often other words. */
const MIN_GLUED_BRAND_LENGTH = 5;
/** …and glued to at least this many letters: `BOULANGERIE` is a word, not the brand Boulanger plus `IE`. */
const MIN_GLUED_TAIL = 3;

/**
 * The world's shop and amenity brands by merchant key, loaded once from the generated data file.
 * Lookups are limited to a market's countries; a brand listed everywhere matches in every market.
 */
export class BrandIndex {
  readonly version: string;
  private readonly byKey = new Map<string, BrandCandidate[]>();
  /** Keys without spaces (`DISCHEM` for `DIS CHEM`), for lines that glue or split a name differently. */
  private readonly byCompactKey = new Map<string, string>();
  /** Keys of several words by all their words but the last, for names cut at the end. */
  private readonly byLeadingWords = new Map<string, string[]>();

  constructor(file: BrandsFile) {
    this.version = file.version;
    const everywhere = '*' as const;
    for (const [key, category, rank, countries, common] of file.brands) {
      if (!isCategory(category) || category === 'UNCATEGORIZED') throw new Error(`brands file: unknown category ${category} for ${key}`);
      const list = this.byKey.get(key) ?? [];
      list.push({ category, rank, countries: countries === '*' ? everywhere : new Set(countries.split(' ')), common: common === 1 });
      this.byKey.set(key, list);
    }
    for (const override of OVERRIDES) {
      const countries = new Set(override.countries.split(' '));
      const list = this.byKey.get(override.key) ?? [];
      const common = list.some((c) => c.common);
      this.byKey.set(override.key, [{ category: override.category, rank: 0, countries, common, override: override.why }, ...list]);
    }
    for (const key of this.byKey.keys()) {
      if (!key.includes(' ')) continue;
      const leading = key.slice(0, key.lastIndexOf(' '));
      this.byLeadingWords.set(leading, [...(this.byLeadingWords.get(leading) ?? []), key]);
      const compact = key.replaceAll(' ', '');
      if (!this.byKey.has(compact) && !this.byCompactKey.has(compact)) this.byCompactKey.set(compact, key);
    }
  }

  static load(file: URL = BRANDS_FILE): BrandIndex {
    return new BrandIndex(JSON.parse(readFileSync(file, 'utf8')) as BrandsFile);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** A key's categories in a market, what the brand mostly is first; an override for the market hides the rest. */
  candidates(key: string, countries: readonly string[]): BrandCandidate[] {
    const list = this.byKey.get(key) ?? this.byKey.get(this.byCompactKey.get(key) ?? '');
    if (list === undefined) return [];
    const here = list.filter((c) => c.countries === '*' || countries.some((country) => (c.countries as ReadonlySet<string>).has(country)));
    const override = here.find((c) => c.override !== undefined);
    if (override) return [override];
    return here.sort((a, b) => a.rank - b.rank);
  }

  /**
   * The longest brand the merchant key starts with, in this market; failing that, a brand of
   * several words whose last word the terminal cut (`SEATTLE COF` for Seattle Coffee).
   */
  atStart(words: readonly string[], countries: readonly string[]): BrandMatch | undefined {
    return this.longestAt(words, 0, countries) ?? this.cutAtEnd(words, countries);
  }

  private cutAtEnd(words: readonly string[], countries: readonly string[]): BrandMatch | undefined {
    const cut = words.at(-1) ?? '';
    if (words.length < 2 || words.length > MAX_BRAND_WORDS || cut.length < MIN_CUT_WORD) return undefined;
    for (const key of this.byLeadingWords.get(words.slice(0, -1).join(' ')) ?? []) {
      const last = key.slice(key.lastIndexOf(' ') + 1);
      if (last.length <= cut.length || !last.startsWith(cut)) continue;
      const candidates = this.candidates(key, countries);
      if (candidates.length > 0) return { key, at: 0, length: words.length, candidates };
    }
    return undefined;
  }

  /** A distinctive brand the first word starts with, as terminals glue words they cut (`TELKOMMOBI`). */
  gluedAtStart(words: readonly string[], countries: readonly string[]): BrandMatch | undefined {
    const word = words[0] ?? '';
    for (let end = word.length - MIN_GLUED_TAIL; end >= MIN_GLUED_BRAND_LENGTH; end -= 1) {
      const key = word.slice(0, end);
      const candidates = this.candidates(key, countries);
      if (candidates.length > 0 && !candidates.some((c) => c.common)) return { key, at: 0, length: 1, candidates, glued: true };
    }
    return undefined;
  }

  /** The first brand standing later in the key: several words, or one long word that is no common word. */
  inside(words: readonly string[], countries: readonly string[]): BrandMatch | undefined {
    for (let at = 1; at < words.length; at += 1) {
      const match = this.longestAt(words, at, countries);
      if (match === undefined) continue;
      const distinctive = match.length > 1 || (match.key.length >= 5 && !match.candidates.some((c) => c.common));
      if (distinctive) return match;
    }
    return undefined;
  }

  private longestAt(words: readonly string[], at: number, countries: readonly string[]): BrandMatch | undefined {
    for (let length = Math.min(MAX_BRAND_WORDS, words.length - at); length >= 1; length -= 1) {
      const slice = words.slice(at, at + length);
      for (const key of length > 1 ? [slice.join(' '), slice.join('')] : slice) {
        const candidates = this.candidates(key, countries);
        if (candidates.length > 0) return { key, at, length, candidates };
      }
    }
    return undefined;
  }
}
