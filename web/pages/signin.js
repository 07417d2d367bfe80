import { api, session } from '../api.js';
import { append, h } from '../dom.js';

export async function signInPage(main) {
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true });
  // Signed out because the key stopped working: say so, and go back where the user was after signing in.
  const error = h('p', { class: 'error', role: 'alert' }, session.takeRefusal() ?? '');
  const form = h(
    'form',
    { class: 'signin', 'aria-labelledby': 'signin-title', novalidate: true },
    h('p', { class: 'notice' }, 'Sign in with an API key of your integration. The key is kept in this tab only (sessionStorage) and sent to the API in the Authorization header.'),
    h('label', { for: 'api-key' }, 'API key', input),
    error,
    h('div', {}, h('button', { type: 'submit' }, 'Sign in')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const key = input.value.trim();
    if (!key) {
      error.textContent = 'Enter an API key.';
      input.focus();
      return;
    }
    try {
      // Any valid key may read the categories: a cheap check that the key is real.
      await api('GET', '/api/categories', { key });
      session.signIn(key);
      window.location.hash = session.takeReturnTo() ?? '#/batches';
    } catch (failure) {
      error.textContent = failure.status === 401 ? 'That key is not valid.' : failure.message;
      input.focus();
    }
  });
  append(main, h('h1', { id: 'signin-title' }, 'Sign in'), form);
}
