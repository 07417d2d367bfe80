import { SCOPES, type AuthService, type KeyRecord, type Scope } from '../auth/auth.service.js';
import type { Config } from '../config.js';
import { StartupError } from '../domain/errors.js';
import { isConnectionError, isRefusedLogin } from '../infra/db.js';
import { IDENTIFIER_CHARACTERS, INTEGRATION_NAME_MAX_LENGTH, isIntegrationName } from '../domain/identifiers.js';
import { parseCommandLine, usageHint, UsageError } from './command-line.js';

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };
const MAX_EXPIRY_SECONDS = 10 * 365 * 86_400;

/** `lucro keys …` (contract §1, §14): creates, lists and revokes API keys as the key administration role. */
export async function keysCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    'keys',
    args,
    {
      integration: { type: 'string' },
      scopes: { type: 'string', default: 'ingest,reports' },
      'expires-in': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    true,
  );
  const [action, target, ...extra] = positionals;
  const unexpected = (arg: string) => new UsageError(`unexpected argument "${arg}"; ${usageHint('keys')}`);
  switch (action) {
    case 'create': {
      if (target !== undefined) throw unexpected(target);
      const integration = values.integration;
      if (!integration) throw new UsageError('create needs --integration NAME, the integration the key belongs to');
      if (!isIntegrationName(integration.trim())) {
        throw new UsageError(`--integration must be 1–${INTEGRATION_NAME_MAX_LENGTH} characters of ${IDENTIFIER_CHARACTERS}, got "${integration}"`);
      }
      const scopes = parseScopes(values.scopes);
      const expiresIn = values['expires-in'] === undefined ? undefined : parseDuration(values['expires-in']);
      return withAuth(config, (auth) => create(auth, integration, scopes, expiresIn, values.json));
    }
    case 'list':
      if (target !== undefined) throw unexpected(target);
      return withAuth(config, (auth) => list(auth, values.integration, values.json));
    case 'revoke':
      if (target === undefined || target.trim() === '') throw new UsageError("revoke needs the key's PREFIX (`lucro keys list` shows each key's prefix)");
      if (extra[0] !== undefined) throw unexpected(extra[0]);
      return withAuth(config, (auth) => revoke(auth, target, values.json));
    default:
      throw new UsageError(`${action === undefined ? 'an action is needed' : `unknown action "${action}"`}: create, list or revoke; ${usageHint('keys')}`);
  }
}

async function create(auth: AuthService, integration: string, scopes: Scope[], expiresIn: number | undefined, json: boolean): Promise<number> {
  const created = await auth.createKey(integration, scopes, expiresIn);
  if (json) {
    const { expiresAt, ...shown } = created;
    console.log(JSON.stringify(expiresAt ? { ...shown, expires_at: expiresAt.toISOString() } : shown));
  } else {
    const until = created.expiresAt ? `, valid until ${created.expiresAt.toISOString()}` : '';
    console.error(`Created a key for integration "${created.integration}" with scopes ${created.scopes.join(', ')}${until}. It is shown only now:`);
    console.log(created.key);
  }
  return 0;
}

async function list(auth: AuthService, integration: string | undefined, json: boolean): Promise<number> {
  const keys = await auth.listKeys(integration);
  if (json) console.log(JSON.stringify(keys.map(keyJson)));
  else printTable(keys);
  return 0;
}

async function revoke(auth: AuthService, text: string, json: boolean): Promise<number> {
  const result = await auth.revokeKey(text);
  switch (result.outcome) {
    case 'not_found': {
      const message = `No key starts with "${text}". \`lucro keys list\` shows every key's prefix.`;
      // A script reading stdout learns why as well as the exit code.
      if (json) console.log(JSON.stringify({ error: 'not_found', message }));
      console.error(message);
      return 1;
    }
    case 'ambiguous': {
      const message = `"${text}" matches ${result.keys.length} keys; nothing was revoked`;
      if (json) console.log(JSON.stringify({ error: 'ambiguous', message: `${message}.`, prefixes: result.keys.map((key) => key.prefix) }));
      console.error(`${message}. Give more of the prefix:`);
      printTable(result.keys, console.error);
      return 1;
    }
    case 'revoked':
    case 'already_revoked':
      if (json) console.log(JSON.stringify(keyJson(result.key)));
      else {
        const when = result.outcome === 'revoked' ? 'Revoked' : 'Already revoked';
        console.log(`${when}: key ${result.key.prefix} of integration "${result.key.integration}" (at ${iso(result.key.revokedAt)}). Every API process refuses it within 5 s.`);
      }
      return 0;
  }
}

function keyJson(key: KeyRecord): Record<string, unknown> {
  return {
    prefix: key.prefix,
    integration: key.integration,
    scopes: key.scopes,
    created_at: iso(key.createdAt),
    last_used_at: iso(key.lastUsedAt),
    revoked_at: iso(key.revokedAt),
    expires_at: iso(key.expiresAt),
  };
}

function printTable(keys: KeyRecord[], print: (line: string) => void = console.log): void {
  const header = ['PREFIX', 'INTEGRATION', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED', 'EXPIRES'];
  const rows = keys.map((k) => [k.prefix, k.integration, k.scopes.join(','), iso(k.createdAt), iso(k.lastUsedAt) ?? '-', iso(k.revokedAt) ?? '-', iso(k.expiresAt) ?? '-']);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  for (const row of [header, ...rows]) print(row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ').trimEnd());
}

function iso(date: Date): string;
function iso(date: Date | null): string | null;
function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

function parseScopes(text: string): Scope[] {
  const scopes = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new UsageError(`--scopes must be a comma-separated list of ${SCOPES.join(', ')}; got "${text}"`);
  }
  return scopes as Scope[];
}

/** "90s", "15m", "12h", "30d", "2w" → seconds. */
function parseDuration(text: string): number {
  const match = /^(\d{1,9})\s*([smhdw])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (DURATION_UNITS[match[2] as string] as number) : 0;
  if (seconds <= 0 || seconds > MAX_EXPIRY_SECONDS) {
    throw new UsageError(`--expires-in must be a number and a unit (s, m, h, d, w) up to 10 years, e.g. 30d; got "${text}"`);
  }
  return seconds;
}

/**
 * How key commands connect: as the key administration role of KEYS_DATABASE_URL (unset: DATABASE_URL),
 * with no queue (they dispatch no work, so need no Redis) and quiet logs (stdout is their output).
 */
export function keyAdminConfig(config: Config): Config {
  return { ...config, databaseUrl: config.keysDatabaseUrl ?? config.databaseUrl, redisUrl: undefined, logLevel: 'warn' };
}

/**
 * Runs `work` against the database of KEYS_DATABASE_URL (the key administration role) or, unset,
 * DATABASE_URL. A brand-new embedded database is migrated first; quiet logs keep stdout for output.
 */
async function withAuth(config: Config, work: (auth: AuthService) => Promise<number>): Promise<number> {
  const { createContainer } = await import('../container.js');
  const { migrate } = await import('../infra/migrate.js');
  const { rederiveLessonsStep } = await import('../corrections/lessons.js');
  const container = await createContainer(keyAdminConfig(config), { role: 'keys', logTo: 'stderr' });
  try {
    if (container.databaseMode === 'embedded') await migrate(container.pool, undefined, { afterMigrations: rederiveLessonsStep });
    return await work(container.auth);
  } catch (error) {
    // The key role's own URL, when set, is the one to check: DATABASE_URL may well work.
    if (config.keysDatabaseUrl !== undefined && isRefusedLogin(error)) throw new StartupError(`PostgreSQL refused KEYS_DATABASE_URL: ${error.message}`);
    if (config.keysDatabaseUrl !== undefined && isConnectionError(error)) {
      throw new StartupError(`the database of KEYS_DATABASE_URL is unreachable (${(error as Error).message}); retry shortly.`);
    }
    // 42501: the role may not touch keys, as the app role may not (deploy/sql/grants.sql).
    if ((error as { code?: unknown }).code !== '42501') throw error;
    throw new StartupError(
      `the database role cannot manage keys (${(error as Error).message}): run key commands with KEYS_DATABASE_URL set to the key administration role (lucro_keys, docs/operations.md).`,
    );
  } finally {
    await container.close();
  }
}
