import { createHash } from 'node:crypto';

/** Hash of a request body's JSON value: key order and white space do not change it. */
export function hashBody(body: unknown): Buffer {
  const hash = createHash('sha256');
  let pending = '';
  writeCanonicalJson(body, (text) => {
    pending += text;
    if (pending.length >= 65_536) {
      hash.update(pending);
      pending = '';
    }
  });
  return hash.update(pending).digest();
}

/** The value as JSON with object keys sorted, at any depth. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonicalJson(value, (text) => parts.push(text));
  return parts.join('');
}

/** Walks with its own stack, not the call stack, so no nesting depth can overflow it. */
function writeCanonicalJson(root: unknown, write: (text: string) => void): void {
  // Each entry is a value still to write, or punctuation already decided.
  const stack: Array<{ value: unknown } | string> = [{ value: root }];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown } | string;
    if (typeof next === 'string') {
      write(next);
      continue;
    }
    const { value } = next;
    if (Array.isArray(value)) {
      write('[');
      stack.push(']');
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i] });
        if (i > 0) stack.push(',');
      }
    } else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value).sort();
      write('{');
      stack.push('}');
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push({ value: (value as Record<string, unknown>)[key] });
        stack.push(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      }
    } else {
      write(JSON.stringify(value));
    }
  }
}
