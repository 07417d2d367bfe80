#!/usr/bin/env node
// Runs the TypeScript sources through tsx in a checkout; a production image ships only dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source);
} else {
  await import('../dist/cli/main.js');
}
