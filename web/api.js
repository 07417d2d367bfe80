/**
 * The console's only way to the server: the public API with the key the user signed in with.
 * The key lives in sessionStorage only: never in a URL, a cookie or a log, gone when the tab closes.
 */
const KEY = 'lucro.console.key';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  signIn(key) {
    sessionStorage.setItem(KEY, key);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
  },
};

/** A problem+json answer (contract §3), with its status and code. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? null;
    this.problem = problem;
  }
}

/** Calls the API; a 401 signs the user out and returns to sign-in. */
export async function api(path, { method = 'GET', query, body, key = session.key } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  const headers = { Authorization: `Bearer ${key ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const json = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && key === session.key) {
    session.signOut();
    window.location.hash = '#/signin';
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

let categories;
/** The categories a transaction can get, fetched once per page load. */
export async function listCategories() {
  categories ??= api('/api/categories').then((json) => json.categories.map((c) => c.category));
  return categories;
}
