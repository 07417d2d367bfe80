import { readFile } from 'node:fs/promises';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { AppError, StartupError } from '../domain/errors.js';
import { isConnectionError, isMissingMigration, isRefusedLogin } from '../infra/db.js';
import { asksForHelp, COMMAND_USAGE, isCommand, parseCommandLine, UsageError, USAGE, type Command } from './command-line.js';
import { runRoles } from './roles.js';

/** The roles and migrate take no arguments: the environment configures them. */
const WITHOUT_ARGUMENTS: readonly string[] = ['start', 'api', 'worker', 'scheduler', 'migrate'];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    // No command is a usage error, told on stderr like an unknown one.
    console.error(USAGE);
    return 2;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'version' || command === '--version') {
    console.log(await version());
    return 0;
  }
  if (!isCommand(command)) {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  if (asksForHelp(rest)) {
    console.log(COMMAND_USAGE[command]);
    return 0;
  }
  try {
    return await run(command, rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`lucro ${command}: ${error.message}`);
    return 2;
  }
}

/** package.json's version: two levels up from both src/cli/ and the image's dist/cli/. */
async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function run(command: Command, args: string[]): Promise<number> {
  if (WITHOUT_ARGUMENTS.includes(command)) parseCommandLine(command, args, {});
  const config = loadConfig();
  switch (command) {
    case 'start':
    case 'api':
    case 'worker':
    case 'scheduler': {
      const { startTracing } = await import('../infra/tracing-sdk.js');
      await startTracing(config, command);
      return runRoles(config, command);
    }
    case 'migrate':
      return migrateCommand(config);
    case 'keys': {
      const { keysCommand } = await import('./keys.js');
      return keysCommand(config, args);
    }
    case 'reenrich': {
      const { reenrich } = await import('./reenrich.js');
      return reenrich(config, args);
    }
    case 'status': {
      const { statusCommand } = await import('./status.js');
      return statusCommand(config, args);
    }
    case 'simulate': {
      const { simulate } = await import('./simulate.js');
      return simulate(config, args);
    }
  }
}

async function migrateCommand(config: Config): Promise<number> {
  const { createContainer } = await import('../container.js');
  const { migrate } = await import('../infra/migrate.js');
  const { rederiveLessonsStep } = await import('../corrections/lessons.js');
  const container = await createContainer(config, { role: 'migrate' });
  try {
    const applied = await migrate(container.pool, container.logger, { afterMigrations: rederiveLessonsStep });
    container.logger.info({ applied }, applied.length ? 'migrations applied' : 'schema is up to date');
    return 0;
  } finally {
    await container.close();
  }
}

/**
 * Once a command has answered, the process ends within this even if a client library still holds
 * a handle: ioredis reconnecting to a Redis that accepts connections and drops them kept `lucro
 * status` alive 30 s after it had printed its screen (found by an audit). Roles answer only once
 * they have drained and stopped, so nothing of theirs is cut short.
 */
const EXIT_GRACE_MS = 1_000;

// A reader that stops early (`lucro keys list | head -1`) wants no more: the rest of the output is
// dropped, not a crash, and the command runs to its end and its own exit code, as if SIGPIPE were ignored.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof AppError || error instanceof StartupError) console.error(`lucro: ${error.message}`);
    else if (isRefusedLogin(error)) console.error(`lucro: PostgreSQL refused DATABASE_URL: ${error.message}`);
    else if (isConnectionError(error)) console.error(`lucro: the database is unreachable (${(error as Error).message}); retry shortly.`);
    else if (isMissingMigration(error)) console.error(`lucro: the database has not been migrated (${(error as Error).message}): run \`lucro migrate\` first.`);
    else if (isTlsFailure(error)) console.error(`lucro: TLS to the database failed (${error.message}): check sslmode and sslrootcert in DATABASE_URL.`);
    else console.error('lucro:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
).finally(() => setTimeout(() => process.exit(), EXIT_GRACE_MS).unref());

/** The database answered, but not over TLS as DATABASE_URL asks, or with a certificate that does not verify. */
function isTlsFailure(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code ?? '';
  return /does not support SSL connections/i.test(error.message) || /^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code);
}
