/** Builds an element. Text is always set as text (never parsed as HTML), so API data cannot inject markup. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value' || name === 'checked') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * Appends children as `h` does: arrays are flattened, and null, undefined and false are left out
 * (the DOM's own append would show them as the text "null"), so `cond ? el : null` is safe.
 */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces an element's children, leaving out what `append` leaves out. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Says something to screen readers without moving focus. */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = message;
}

/**
 * A table in a scrolling wrapper, so wide tables never widen the page at phone width. A column may be
 * `num` (figures, right-aligned), `nowrap` (dates and ids, never broken), `text` (what a client wrote:
 * a merchant, a description, a name, which may be one long word; it wraps inside its cell) or `narrow`
 * (hidden at phone width). A `stacked` table turns each row into a two-column card at phone width:
 * nothing scrolls away; there a `wide` column (a long id or name) has a line of its own, and the next
 * cells fill in beside the one before it.
 */
export function table({ caption, columns, rows, rowProps, stacked = false }) {
  const cellClass = (c) => [c.num && 'num', c.nowrap && 'nowrap', c.text && 'text', c.narrow && 'hide-narrow', c.wide && 'wide'].filter(Boolean).join(' ') || null;
  return h(
    'div',
    // A region that may scroll sideways must be reachable by keyboard.
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: stacked ? 'stacked' : null },
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: cellClass(c) }, c.label)))),
      h(
        'tbody',
        {},
        rows.map((row, i) =>
          h('tr', rowProps ? rowProps(row, i) : {}, columns.map((c) => h('td', { class: cellClass(c) }, c.cell(row)))),
        ),
      ),
    ),
  );
}

/** Longer than this, an id may not fit a narrow column or a phone: past it, it wraps (see idClass). */
const SHORT_ID = 24;

/**
 * How an id is set: a short one whole on one line ("ZA-2023-11", never "ZA-" over "2023-11"); a long
 * one (the contract allows 128 characters, none of them a space) wraps anywhere rather than push the
 * columns beside it, or the page, out of sight.
 */
export function idClass(id) {
  return id.length > SHORT_ID ? 'long-id' : 'nowrap';
}

export function statusBadge(status) {
  return h('span', { class: `status status-${status}` }, status.replaceAll('_', ' '));
}

/** Money as the API sends it (an exact decimal string), grouped for reading; never through a float. */
export function money(amount, currency) {
  if (amount === null || amount === undefined) return '';
  const [, sign, whole, fraction] = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount) ?? [null, '', amount, undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign ? '−' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}${currency ? ` ${currency}` : ''}`;
}

/**
 * A figure shown large, as a summary card's total: whole on one line wherever a line can hold it.
 * Where not even a line of its own can (a phone, a total of many rows near the 10^13 an amount may
 * reach), it breaks only between digit groups ("12,345," over "691.00"), never inside one.
 */
export function figure(text) {
  return h('span', { class: 'figure' }, text.split(',').map((group, i) => (i === 0 ? group : [',', h('wbr'), group])));
}

/**
 * A moment as the API and the logs give it, in UTC and saying so ("2026-12-07 22:33:41 UTC"), whatever
 * the reader's locale and time zone: what support reads here matches what they find there. It may
 * break between date and time, never inside either.
 */
export function dateTime(iso) {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const utc = at.toISOString();
  return h('time', { datetime: iso }, h('span', { class: 'nowrap' }, utc.slice(0, 10)), ' ', h('span', { class: 'nowrap' }, `${utc.slice(11, 19)} UTC`));
}

export function errorMessage(error) {
  // A refusal for scope says what would do instead (§2: ingest corrects and re-enriches, reports reads).
  const hint = error?.status === 403 ? ' Sign out and sign in with a key that has it.' : '';
  const said = `${error?.message ?? String(error)}${hint}`;
  // A validation problem's detail may only be "Invalid query.": its errors[] say which field and what is wrong.
  const fields = error?.problem?.errors ?? [];
  if (fields.length === 0) return h('p', { class: 'error', role: 'alert' }, said);
  return h('div', { class: 'error', role: 'alert' }, h('p', {}, said), h('ul', {}, fields.map((f) => h('li', {}, `${fieldName(f.pointer)}: ${f.message}`))));
}

/** A problem's JSON pointer as a person reads a field's name: "/transactions/0/date" is "transactions/0/date". */
function fieldName(pointer) {
  return (pointer ?? '').replace(/^\//, '').replaceAll('~1', '/').replaceAll('~0', '~') || 'the request';
}

/**
 * Replaces a region that is redrawn while the user may be in it (polling): the focused link or
 * button is found again by its href or label afterwards, so a keyboard user keeps their place.
 */
export function replaceKeepingFocus(container, ...children) {
  const active = container.contains(document.activeElement) ? document.activeElement : null;
  const identity = (el) => el.getAttribute('href') ?? el.getAttribute('aria-label') ?? el.textContent;
  const wanted = active ? [active.tagName, identity(active)] : null;
  replace(container, children);
  if (!wanted) return;
  const same = [...container.querySelectorAll(wanted[0])].find((el) => identity(el) === wanted[1]);
  // The last page disables "Next page": focus stays in the pager, on a control that still works.
  (same && !same.disabled ? same : container.querySelector('a, button:not(:disabled)'))?.focus();
}
