/**
 * The console's only way to the server: the public API with the key the user signed in with.
 * The key lives in sessionStorage only: never in a URL, a cookie or a log, gone when the tab closes.
 */
import createClient from '/console/vendor/openapi-fetch.js';

const KEY = 'lucro.console.key';
/** Why the console signed the user out, and the page they were on, for the sign-in page to use once. */
const REFUSED = 'lucro.console.refused';
const RETURN_TO = 'lucro.console.return-to';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  signIn(key) {
    sessionStorage.setItem(KEY, key);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(RETURN_TO);
  },
  /** The page to open once the user has signed in: the one they asked for, or were on when refused. */
  returnAfterSignIn(at) {
    if (at.startsWith('#/') && !at.startsWith('#/signin')) sessionStorage.setItem(RETURN_TO, at);
  },
  /** The key stopped working mid-session (revoked, expired): remember why and where the user was. */
  refused(at) {
    sessionStorage.removeItem(KEY);
    sessionStorage.setItem(REFUSED, 'The API refused your key: it may have been revoked or have expired. Sign in again.');
    this.returnAfterSignIn(at);
  },
  /** Why `refused` signed the user out, read once. */
  takeRefusal() {
    const message = sessionStorage.getItem(REFUSED);
    sessionStorage.removeItem(REFUSED);
    return message;
  },
  takeReturnTo() {
    const at = sessionStorage.getItem(RETURN_TO);
    sessionStorage.removeItem(RETURN_TO);
    return at;
  },
};

/**
 * The API could not be reached at all: fetch's TypeError, which the browser words as "Failed to
 * fetch" (Chromium) or "NetworkError when attempting to fetch resource." (Firefox).
 */
export class ApiUnreachable extends Error {
  constructor() {
    super('The Lucro API cannot be reached.');
  }
}

/**
 * What an answer without a problem (contract §3) says. Lucro answers every error with one: a 502,
 * 503 or 504 without it (a proxy's HTML page) came from a proxy in front of the API.
 */
function unexplained(status) {
  return status >= 502 && status <= 504 ? `The API answered ${status} from a proxy.` : `HTTP ${status}`;
}

/** A problem+json answer (contract §3), with its status and code. */
export class ApiError extends Error {
  constructor(status, problem, retryAfterMs = null) {
    super(problem?.detail ?? problem?.title ?? unexplained(status));
    this.status = status;
    this.code = problem?.code ?? null;
    this.problem = problem;
    /** How long the server asked us to wait before asking again (its Retry-After), when it said. */
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * A write refused for want of the ingest scope (403), said plainly for the control that needs it:
 * the key signed in with can read here, not change anything. `what` names the write ("correcting a category").
 */
export function refusedWrite(error, what) {
  return error?.status === 403 ? new ApiError(403, { ...error.problem, detail: `This key can only read: ${what} needs a key with the ingest scope.` }) : error;
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from now; null when absent or unreadable. */
function retryAfterMs(header) {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/**
 * Whether asking again may well succeed: the network failed (fetch's TypeError), the server was
 * unavailable or overloaded (5xx), or asked us to slow down (429). A refusal (4xx) stays one.
 */
export function isTransient(error) {
  return !(error instanceof ApiError) || error.status === 429 || error.status >= 500;
}

/**
 * The typed API client (openapi-fetch, served from its npm package like uPlot): every call names a
 * documented operation by its method and path template, as in openapi.json and src/client/api-types.ts.
 */
const client = createClient({ baseUrl: window.location.origin });

/** Query values as the user left them: empty ones are not sent. */
function present(query) {
  return Object.fromEntries(Object.entries(query ?? {}).filter(([, value]) => value !== undefined && value !== null && value !== '').map(([name, value]) => [name, String(value)]));
}

/**
 * Calls one documented operation, e.g. `api('GET', '/api/batches/{batch_id}', { path: { batch_id } })`.
 * A 401 signs the user out and returns to sign-in; any other error answer throws an ApiError.
 */
export async function api(method, template, { path, query, body, key = session.key } = {}) {
  let answer;
  try {
    answer = await client.request(method, template, {
      params: { path, query: present(query) },
      body,
      headers: { Authorization: `Bearer ${key ?? ''}` },
      cache: 'no-store',
    });
  } catch (error) {
    throw error instanceof TypeError ? new ApiUnreachable() : error;
  }
  const { data, error, response } = answer;
  if (response.status === 401 && key === session.key) {
    session.refused(window.location.hash);
    window.location.hash = '#/signin';
  }
  // openapi-fetch gives a body that is not JSON as its text: that is no problem to read a detail from.
  const problem = error !== null && typeof error === 'object' ? error : null;
  if (!response.ok) throw new ApiError(response.status, problem, retryAfterMs(response.headers.get('retry-after')));
  return data ?? null;
}

let categories;
/** The categories a transaction can get, fetched once per page load. */
export async function listCategories() {
  categories ??= api('GET', '/api/categories').then((json) => json.categories.map((c) => c.category));
  return categories;
}
