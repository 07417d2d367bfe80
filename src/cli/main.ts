import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { SCOPES, type Scope } from '../auth/auth.service.js';
import { AppError } from '../domain/errors.js';
import { runRoles, type Role } from './roles.js';

const USAGE = `Usage: lucro <command>

  start                 migrations, then API + worker + scheduler in one process
  api | worker | scheduler
                        one role each, for scaling out
  migrate               apply database migrations
  keys create --integration NAME --scopes ingest,reports [--json]
                        create an API key (printed alone on the last line)
  simulate [--url URL] [--key KEY] [--account ID] [--count N]
                        play a banking integration end to end
  reenrich --integration NAME [--account ID] [--since YYYY-MM-DD]
                        enrich an integration's transactions again (locked ones are left alone)

Configuration is read from the environment and a .env file (see README).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  const config = loadConfig();
  switch (command) {
    case 'start':
    case 'api':
    case 'worker':
    case 'scheduler':
      return runRoles(config, command as Role);
    case 'migrate':
      return migrateCommand(config);
    case 'keys':
      return keysCommand(config, rest);
    case 'reenrich': {
      const { reenrich } = await import('./reenrich.js');
      return reenrich(config, rest);
    }
    case 'simulate': {
      const { simulate } = await import('./simulate.js');
      return simulate(config, rest);
    }
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function migrateCommand(config: Config): Promise<number> {
  const { createContainer } = await import('../container.js');
  const { migrate } = await import('../infra/migrate.js');
  const container = await createContainer(config, { role: 'migrate' });
  try {
    const applied = await migrate(container.pool);
    container.logger.info({ applied }, applied.length ? 'migrations applied' : 'schema is up to date');
    return 0;
  } finally {
    await container.close();
  }
}

async function keysCommand(config: Config, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { integration: { type: 'string' }, scopes: { type: 'string', default: 'ingest,reports' }, json: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'create' || !values.integration) {
    console.error('Usage: lucro keys create --integration NAME --scopes ingest,reports [--json]');
    return 2;
  }
  const scopes = values.scopes.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) {
    console.error(`Unknown scope(s): ${unknown.join(', ') || '(none given)'}; choose from ${SCOPES.join(', ')}`);
    return 2;
  }
  const { createContainer } = await import('../container.js');
  const { migrate } = await import('../infra/migrate.js');
  // Keys go to a database that may be brand new; quiet logs keep stdout for the key.
  const container = await createContainer({ ...config, logLevel: 'warn' }, { role: 'keys' });
  try {
    if (container.databaseMode === 'embedded') await migrate(container.pool);
    const created = await container.auth.createKey(values.integration, scopes as Scope[]);
    if (values.json) console.log(JSON.stringify(created));
    else {
      console.error(`Created a key for integration "${created.integration}" with scopes ${created.scopes.join(', ')}. It is shown only now:`);
      console.log(created.key);
    }
    return 0;
  } finally {
    await container.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof AppError) console.error(`lucro: ${error.message}`);
    else console.error('lucro:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
