const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

export interface JsonShape {
  /** Nesting went deeper than the limit: the text was not scanned to its end. */
  tooDeep: boolean;
  /** Items of the array under the top-level member asked for (the longest, if sent twice); 0 when absent. */
  items: number;
  /** About how many values the parser would build (names, scalars, containers): what parsing and checking the body costs. */
  values: number;
}

/**
 * One pass over JSON text that builds nothing: how deep it nests, how many items the array under
 * one top-level member holds, and how many values it holds in all. It runs before parsing, so that
 * neither a deep nest nor millions of small values cost more than the text itself. It does not
 * check syntax: the parser does.
 */
export function scanJson(text: string, maxDepth: number, member?: string): JsonShape {
  let depth = 0;
  let rootIsObject = false;
  let lastString: [number, number] | undefined;
  let key: [number, number] | undefined;
  let counting = false;
  let commas = 0;
  let sawItem = false;
  let items = 0;
  // Every value but the first follows a comma or a colon, or opens a container.
  let values = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      lastString = [start, i];
      if (counting && depth === 2) sawItem = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 0) rootIsObject = c === OPEN_OBJECT;
      if (counting && depth === 2) sawItem = true;
      values++;
      depth++;
      if (depth > maxDepth) return { tooDeep: true, items, values };
      if (c === OPEN_ARRAY && depth === 2 && rootIsObject && member !== undefined && key && keyIs(text, key, member)) {
        counting = true;
        commas = 0;
        sawItem = false;
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (counting && depth === 2) {
        items = Math.max(items, sawItem ? commas + 1 : 0);
        counting = false;
      }
      depth--;
    } else {
      if (c === COMMA || c === COLON) values++;
      if (depth === 1) {
        if (c === COLON) key = lastString;
        else if (c === COMMA) key = undefined;
      } else if (counting && depth === 2) {
        if (c === COMMA) commas++;
        else if (c > 0x20) sawItem = true;
      }
    }
  }
  if (counting) items = Math.max(items, sawItem ? commas + 1 : 0);
  return { tooDeep: false, items, values };
}

function keyIs(text: string, [start, end]: [number, number], name: string): boolean {
  const raw = text.slice(start, end + 1);
  if (raw === JSON.stringify(name)) return true;
  if (!raw.includes('\\')) return false;
  try {
    return JSON.parse(raw) === name;
  } catch {
    return false;
  }
}
