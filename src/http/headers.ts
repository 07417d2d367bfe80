import { AppError } from '../domain/errors.js';

/** How many times a header (lower case) was sent, from Node's raw name/value list. */
function headerCount(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if ((rawHeaders[i] as string).toLowerCase() === name) count += 1;
  return count;
}

/**
 * Refuses a request that sent the header `name` (lower case) more than once, saying `detail`: Node
 * keeps the first of some repeated headers and joins others with ", ", without a word either way.
 */
export function requireSentOnce(rawHeaders: readonly string[], name: string, detail: string): void {
  if (headerCount(rawHeaders, name) > 1) throw new AppError('invalid_parameter', detail, { errors: [{ pointer: `/headers/${name}`, message: 'must be sent once' }] });
}
