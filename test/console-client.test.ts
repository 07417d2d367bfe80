import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;
const document = JSON.parse(readFileSync(join(root, 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
const sources = readdirSync(join(root, 'web'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.js'))
  .map((file) => ({ file, text: readFileSync(join(root, 'web', file), 'utf8') }));

describe('the web console calls the API through the typed client (issues #16, #17)', () => {
  it('when the console calls the API, then every call names an operation of openapi.json by its method and path template', () => {
    const calls = sources.flatMap(({ file, text }) => [...text.matchAll(/\bapi\(\s*'([A-Z]+)',\s*'([^']+)'/g)].map(([, method, template]) => ({ file, method, template })));
    expect(calls.length).toBeGreaterThan(12);
    for (const { file, method, template } of calls) {
      expect(document.paths[template ?? '']?.[method?.toLowerCase() ?? ''], `${file}: ${method} ${template} is a documented operation`).toBeDefined();
    }
  });

  it('when the console is read, then no page builds an API URL or calls fetch by hand', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(/\bfetch\(/);
      expect(text, file).not.toMatch(/[`'"]\/api\/[^'"`]*\$\{/);
    }
    expect(sources.find(({ file }) => file === 'api.js')?.text).toContain("import createClient from '/console/vendor/openapi-fetch.js'");
  });
});
