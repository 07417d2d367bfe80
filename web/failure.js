import { isTransient } from './api.js';
import { errorMessage, h } from './dom.js';

/** How long to wait before asking again after an outage when the server did not say (no Retry-After). */
export const RETRY_MS = 5000;

/**
 * What a page, or one part of it, shows when a read failed: why, and for an outage (429, 5xx, the
 * network: isTransient) a Retry button. An outage is also retried by itself, after the server's
 * Retry-After when it gave one, only while the error is still on screen (not once the part was
 * drawn again some other way) and the page is still open (`signal`). A part that polls passes its
 * own pace as `unsaidWaitMs`: without a Retry-After it goes on as often as before; with one, never
 * sooner.
 */
export function failureNotice(error, retry, signal, unsaidWaitMs = RETRY_MS) {
  const wait = isTransient(error) ? (error.retryAfterMs ?? unsaidWaitMs) : null;
  let timer;
  const said = errorMessage(error);
  const again = () => {
    clearTimeout(timer);
    if (!signal.aborted) retry();
  };
  // A refusal (403, 404, 400) answers the same however often it is asked: no Retry to offer.
  if (wait === null) return [said];
  timer = setTimeout(() => {
    if (said.isConnected) again();
  }, wait);
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return [said, h('p', {}, h('button', { type: 'button', onclick: again }, 'Retry'), ` Trying again in ${Math.max(1, Math.round(wait / 1000))} s.`)];
}
