import { ConfigError, loadConfig, type Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import { isConnectionError } from '../infra/db.js';
import { runRoles, type Role } from './roles.js';

const USAGE = `Usage: lucro <command>

  start                 migrations, then API + worker + scheduler in one process
  api | worker | scheduler
                        one role each, for scaling out
  migrate               apply database migrations
  keys create --integration NAME --scopes ingest,reports [--expires-in 30d] [--json]
                        create an API key (printed alone on the last line)
  keys list [--integration NAME] [--json]
                        every key's prefix, scopes, creation, last use, revocation, expiry
  keys revoke PREFIX    revoke the one key starting with PREFIX; every process refuses it within 5 s
  simulate [--url URL] [--key KEY] [--account ID] [--count N]
                        play a banking integration end to end
  reenrich --integration NAME [--account ID] [--since YYYY-MM-DD]
                        enrich an integration's transactions again (locked ones are left alone)
  status [--json]       one screen for an operator: database, Redis, migrations, queue,
                        backlog, live workers, failures; exit 1 when something needs
                        attention, 2 when the database is unreachable

Configuration is read from the environment and a .env file (see README).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  const config = loadConfig();
  if (command === 'start' || command === 'api' || command === 'worker' || command === 'scheduler') {
    const { startTracing } = await import('../infra/tracing-sdk.js');
    await startTracing(config, command);
  }
  switch (command) {
    case 'start':
    case 'api':
    case 'worker':
    case 'scheduler':
      return runRoles(config, command as Role);
    case 'migrate':
      return migrateCommand(config);
    case 'keys': {
      const { keysCommand } = await import('./keys.js');
      return keysCommand(config, rest);
    }
    case 'reenrich': {
      const { reenrich } = await import('./reenrich.js');
      return reenrich(config, rest);
    }
    case 'status': {
      const { statusCommand } = await import('./status.js');
      return statusCommand(config, rest);
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof AppError) console.error(`lucro: ${error.message}`);
    else if (isConnectionError(error)) console.error(`lucro: the database is unreachable (${(error as Error).message}); retry shortly.`);
    else console.error('lucro:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
