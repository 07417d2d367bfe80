import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clientTypes, openApiDocument } from '../scripts/openapi.js';

const run = promisify(execFile);
const root = new URL('../', import.meta.url);
const committed = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('the OpenAPI document and the typed client (issue #17)', () => {
  it('when the routes change, then the committed openapi.json and client types must be regenerated (npm run generate:client)', async () => {
    const document = await openApiDocument();
    expect(committed('openapi.json'), 'openapi.json is stale: run npm run generate:client').toBe(`${JSON.stringify(document, null, 2)}\n`);
    expect(committed('src/client/api-types.ts'), 'src/client/api-types.ts is stale: run npm run generate:client').toBe(await clientTypes(document));
  });

  it('when linted with Redocly recommended rules, then the document has no error and no warning', async () => {
    const bin = new URL('node_modules/@redocly/cli/bin/cli.js', root).pathname;
    const { stdout, stderr } = await run(process.execPath, [bin, 'lint', 'openapi.json', '--format=stylish'], {
      cwd: root.pathname,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    expect(`${stdout}${stderr}`).toContain('Your API description is valid');
    expect(`${stdout}${stderr}`).not.toMatch(/You have \d+ warnings?/);
  }, 60_000);

  it('when any operation is documented, then it has an operationId, a tag and its security stated', async () => {
    const document = (await openApiDocument()) as { paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>; security?: unknown };
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(operation.operationId ?? ''), `${operation.operationId} is unique`).toBe(false);
        ids.add(operation.operationId ?? '');
        expect(operation.tags?.length, `${method} ${path} has a tag`).toBeGreaterThan(0);
      }
    }
    expect(document.security).toEqual([{ bearerAuth: [] }]);
  });
});
