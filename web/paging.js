/**
 * Where a paged list is, kept in the page's address. Pages are cursor-based (§5): page N is reached
 * only with the cursor the API gave at the end of page N − 1, so the address keeps the trail of
 * cursors, one per page after the first (`page=3&cursor=…&cursor=…`). The address alone then opens
 * that very page again, in a new tab or after a reload, and "Previous page" still works there.
 */

/** The cursors an address names, the first page's (none) first: page N is `cursors[N - 1]`. */
export function cursorTrail(query) {
  return [null, ...query.getAll('cursor').filter(Boolean)];
}

/** The address's own words for page `index` (0 for the first) of a list reached through `cursors`. */
export function trailParams(cursors, index) {
  if (index === 0) return [];
  return [['page', String(index + 1)], ...cursors.slice(1, index + 1).map((cursor) => ['cursor', cursor])];
}

/**
 * Replaces the address with `path?params` (empty values left out) without adding to history: paging
 * and filtering are not steps Back should undo one by one, and Back from a row opened from the list
 * returns to the list as it was. Only while the address is still `path`: between a link changing it
 * and the hashchange that stops this page, a late answer must not put this page's address back.
 */
export function rememberInAddress(path, params, signal) {
  if (signal.aborted || window.location.hash.split('?')[0] !== path) return;
  const query = addressQuery(params);
  window.history.replaceState(null, '', `${path}${query ? `?${query}` : ''}`);
}

/** The query an address gives `params`, empty values left out: '' when nothing is left. */
export function addressQuery(params) {
  return new URLSearchParams(params.filter(([, value]) => value !== '' && value !== null && value !== undefined)).toString();
}

/**
 * How many pages a "Load more" list (batches, accounts) shows, as its address says (`pages=3`): it
 * opens with that many again. A list that grows at its top has no fixed second page; its newest
 * pages are what a support person scrolled through.
 */
export function pagesShown(query) {
  return Math.max(1, Math.floor(Number(query.get('pages'))) || 1);
}
