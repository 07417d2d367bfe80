import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.lucro/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The web console: plain ES modules that run in the browser.
    files: ['web/**/*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', sessionStorage: 'readonly', fetch: 'readonly', Node: 'readonly', getComputedStyle: 'readonly', ResizeObserver: 'readonly', AbortController: 'readonly', BigInt: 'readonly', URLSearchParams: 'readonly' },
    },
  },
  {
    // The DOM's own append and replaceChildren show a null child as the text "null": pages use dom.js's.
    files: ['web/**/*.js'],
    ignores: ['web/dom.js'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'CallExpression[callee.property.name=/^(append|replaceChildren)$/]', message: 'Use append or replace from dom.js: they leave out null, undefined and false.' }],
    },
  },
);
