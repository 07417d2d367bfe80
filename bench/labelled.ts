/**
 * The labelled South African statement lines (../shared/datasets/za-bank-transactions), read for
 * the categorization benchmarks. Rows labelled EXCLUDE are not scored (see its README.md).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isCategory, type Category } from '../src/domain/taxonomy.js';

/** Beside the main checkout (../shared) or beside a worktree of it (../../shared); LABELLED_DATASET overrides. */
const CANDIDATES = ['../../shared/datasets/za-bank-transactions/labelled.csv', '../../../shared/datasets/za-bank-transactions/labelled.csv'];

export interface LabelledRow {
  id: string;
  description: string;
  amount: string;
  expected: Category;
}

export async function loadLabelledRows(): Promise<{ path: string; scored: LabelledRow[]; excluded: number }> {
  const path =
    process.env.LABELLED_DATASET ?? CANDIDATES.map((c) => fileURLToPath(new URL(c, import.meta.url))).find((p) => existsSync(p)) ?? fileURLToPath(new URL(CANDIDATES[0] as string, import.meta.url));
  const [header, ...records] = parseCsv(await readFile(path, 'utf8')).filter((r) => r.length > 1 || r[0] !== '');
  if (!header) throw new Error('empty dataset');
  const col = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`dataset has no ${name} column`);
    return index;
  };
  const [idCol, descriptionCol, amountCol, pfcCol] = [col('id'), col('description'), col('amount'), col('pfc')];
  const scored: LabelledRow[] = [];
  let excluded = 0;
  for (const record of records) {
    const pfc = record[pfcCol] ?? '';
    if (pfc === 'EXCLUDE') {
      excluded += 1;
      continue;
    }
    if (!isCategory(pfc)) throw new Error(`row ${record[idCol]}: unknown category ${pfc}`);
    scored.push({ id: record[idCol] ?? '', description: record[descriptionCol] ?? '', amount: record[amountCol] ?? '', expected: pfc });
  }
  return { path, scored, excluded };
}

/** RFC 4180 CSV: fields may be quoted, quotes inside are doubled, quoted fields may hold commas and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
