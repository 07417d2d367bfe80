import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * How each command is used: what `lucro <command> --help` prints. Read before any setting, so help
 * works in any environment and a misused role starts nothing.
 */
export const USAGE = `Usage: lucro <command>      (lucro <command> --help for one command)

  start                 migrations, then API + worker + scheduler in one process
  api | worker | scheduler
                        one role each, for scaling out
  migrate               apply database migrations
  keys create --integration NAME [--scopes ingest,reports] [--expires-in 30d] [--json]
                        create an API key (printed alone on the last line)
  keys list [--integration NAME] [--json]
                        every key's prefix, scopes, creation, last use, revocation, expiry
  keys revoke PREFIX [--json]
                        revoke the one key starting with PREFIX; every process refuses it within 5 s
  simulate [--url URL] [--key KEY] [--account ID] [--count N] [--timeout SECONDS]
                        play a banking integration end to end
  reenrich --integration NAME [--account ID] [--since YYYY-MM-DD]
                        enrich an integration's transactions again (locked ones are left alone)
  status [--json]       one screen for an operator: database, Redis, migrations, queue,
                        backlog, live workers, failures; exit 1 when something needs
                        attention, 2 when the database is unreachable
  --version             the version of this build

Configuration is read from the environment and a .env file (see README).`;

const FROM_ENVIRONMENT = 'It takes no arguments: settings come from the environment and a .env file (see README).';

export const COMMAND_USAGE = {
  start: `Usage: lucro start\n\nMigrations, then API + worker + scheduler in one process, on HOST:PORT.\n${FROM_ENVIRONMENT}`,
  api: `Usage: lucro api\n\nThe HTTP API alone, on HOST:PORT.\n${FROM_ENVIRONMENT}`,
  worker: `Usage: lucro worker\n\nEnriches transactions and delivers webhooks; /healthz, /readyz and /metrics on METRICS_PORT when set.\n${FROM_ENVIRONMENT}`,
  scheduler: `Usage: lucro scheduler\n\nReclaims expired leases and dispatches stranded rows again; /healthz, /readyz and /metrics on METRICS_PORT when set.\n${FROM_ENVIRONMENT}`,
  migrate: `Usage: lucro migrate\n\nApplies the database migrations not applied yet, then exits.\n${FROM_ENVIRONMENT}`,
  keys: `Usage:
  lucro keys create --integration NAME [--scopes ingest,reports] [--expires-in 30d] [--json]
  lucro keys list [--integration NAME] [--json]
  lucro keys revoke PREFIX [--json]

--scopes is a comma-separated list of ingest, reports, admin (default ingest,reports).
--expires-in is a number and a unit (s, m, h, d, w), e.g. 30d; without it the key does not expire.
A revoked key is refused by every process within 5 s.`,
  simulate: `Usage: lucro simulate [--url URL] [--key KEY] [--account ID] [--count N] [--timeout SECONDS]

Plays a banking integration end to end against the API at --url (default http://HOST:PORT): posts
--count transactions (default 10–15) for --account, follows the batch for up to --timeout seconds
(default 120) and prints the account summary. Without --key it makes a key of its own.`,
  reenrich: `Usage: lucro reenrich --integration NAME [--account ID] [--since YYYY-MM-DD]

Enriches the integration's transactions (of one account, from a date on) again, with a progress bar;
locked and removed transactions are left alone.`,
  status: `Usage: lucro status [--json]

Database, Redis, migrations, queue, backlog, live workers and failures on one screen (--json: one
JSON object). Exit 0 all well, 1 something needs attention, 2 the database is unreachable.`,
} as const;

export type Command = keyof typeof COMMAND_USAGE;

export function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMAND_USAGE, name);
}

/** A command used wrongly: main prints `lucro <command>: <message>` and exits 2. */
export class UsageError extends Error {}

/** Where a usage error sends the reader. */
export function usageHint(command: Command): string {
  return `\`lucro ${command} --help\` shows the usage`;
}

/** `--help` or `-h` anywhere before a `--`. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * Node's parseArgs, strict, for one command: an unknown option, a missing value, a stray argument or
 * an option given twice is a UsageError that says which, in one line.
 */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig['options']>>(command: Command, args: string[], options: O, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(`${parseFailure(error)}; ${usageHint(command)}`);
  }
  // parseArgs keeps the last of a repeated option: `--integration a --integration b` would act on b alone.
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || options[token.name]?.multiple) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once; ${usageHint(command)}`);
    seen.add(token.name);
  }
  const { values, positionals } = parsed;
  return { values, positionals };
}

/** Node's messages, shortened to the point: they suggest `--` tricks a user rarely wants. */
function parseFailure(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('argument missing')) return `${option} needs a value`;
      if (message.includes('argument is ambiguous')) return `${option} needs a value; write ${option}=VALUE for one that starts with -`;
      if (message.includes('does not take an argument')) return `${option} takes no value`;
      return message.split('\n')[0] as string;
    default:
      return message.split('\n')[0] as string;
  }
}
