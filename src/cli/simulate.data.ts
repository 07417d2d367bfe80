/**
 * The simulator's banking feed: realistic statement lines as a bank aggregator delivers them,
 * with card-processor prefixes, store numbers and city suffixes. Pure: randomness and the clock
 * are parameters, so tests can pin them.
 */

/**
 * One transaction as the simulator fills it in: a narrower form of the client's IngestRequest
 * transaction (a type alias, so it is assignable to the generated types' open records).
 */
export type SimulatedTransaction = {
  transaction_id: string;
  date: string;
  /** Decimal string built from integer cents; negative is money out. */
  amount: string;
  currency: string;
  merchant_name?: string;
  description: string;
};

export type SimulatedBatch = {
  account: { account_id: string; currency: string; name: string; institution: string };
  transactions: SimulatedTransaction[];
};

export interface GenerateOptions {
  accountId: string;
  count: number;
  /** Makes transaction ids unique to this run, so re-runs on one account are never duplicates. */
  runId: string;
  /** The day the feed is pulled; transactions fall on it and the 29 days before (UTC). */
  now?: Date;
  /** Uniform in [0, 1); Math.random unless a test pins it. */
  random?: () => number;
}

/** How far back the feed reaches, today included. */
export const HISTORY_DAYS = 30;

interface Template {
  merchant?: string;
  /** The statement line; `n(min, max)` draws a number, for store and reference numbers. */
  line: (n: (min: number, max: number) => number) => string;
  /** Inclusive range in cents; the sign is the direction (negative is money out). */
  cents: readonly [number, number];
}

/** The pay cheque every simulated month has. */
const SALARY: Template = { merchant: 'Acme Corp', line: (n) => `ACME CORP PAYROLL PPD ID: ${n(1000000000, 9999999999)}`, cents: [285_000, 420_000] };

/** The rent every simulated month has too. */
const RENT: Template = { line: () => 'OAKWOOD APARTMENTS RENT PAYMENT', cents: [-195_000, -145_000] };

const TEMPLATES: readonly Template[] = [
  { merchant: 'Whole Foods Market', line: (n) => `POS PURCHASE WHOLE FOODS MKT #${n(10000, 10999)} AUSTIN TX`, cents: [-18_500, -2_400] },
  { merchant: "Trader Joe's", line: (n) => `CHECKCARD 1102 TRADER JOE S #${n(100, 999)} PORTLAND OR`, cents: [-12_000, -1_800] },
  { merchant: 'Safeway', line: (n) => `POS PURCHASE SAFEWAY #${n(1000, 3999)} SAN FRANCISCO CA`, cents: [-9_500, -1_200] },
  { merchant: 'Blue Bottle Coffee', line: () => 'SQ *BLUE BOTTLE COFFEE OAKLAND CA', cents: [-950, -450] },
  { merchant: 'Starbucks', line: (n) => `CHECKCARD 1102 STARBUCKS STORE ${n(1000, 29999)} SEATTLE WA`, cents: [-875, -395] },
  { merchant: 'Sweetgreen', line: () => 'TST* SWEETGREEN DUPONT WASHINGTON DC', cents: [-1_850, -1_250] },
  { merchant: 'Shake Shack', line: (n) => `TST* SHAKE SHACK ${n(100, 999)} NEW YORK NY`, cents: [-3_200, -1_400] },
  { merchant: 'Uber', line: () => 'UBER *TRIP HELP.UBER.COM CA', cents: [-4_800, -900] },
  { merchant: 'Lyft', line: () => 'LYFT *RIDE SUN 4PM', cents: [-3_600, -800] },
  { merchant: 'Netflix', line: () => 'NETFLIX.COM 866-579-7172 CA', cents: [-2_299, -1_549] },
  { merchant: 'Spotify', line: () => 'PAYPAL *SPOTIFY 4029357733', cents: [-1_199, -1_199] },
  { line: () => 'MONTHLY MAINTENANCE FEE', cents: [-1_200, -1_200] },
  { merchant: 'Shell', line: (n) => `CHECKCARD 1102 SHELL OIL ${n(10000, 99999)} HOUSTON TX`, cents: [-6_800, -2_500] },
  { merchant: 'Amazon', line: () => 'AMAZON.COM*2K4RT5 AMZN.COM/BILL WA', cents: [-15_999, -1_299] },
  { merchant: 'PG&E', line: () => 'PGANDE WEB ONLINE PAYMENT', cents: [-18_000, -6_500] },
  { merchant: 'CVS Pharmacy', line: (n) => `POS PURCHASE CVS/PHARMACY #${n(1000, 9999)} CHICAGO IL`, cents: [-4_500, -650] },
  { merchant: 'Planet Fitness', line: () => 'PLANET FITNESS CLUB FEES', cents: [-2_499, -1_000] },
  { merchant: 'Etsy', line: () => 'PAYPAL *ETSY INC 4029357733', cents: [-7_500, -1_800] },
  { merchant: 'Chipotle', line: (n) => `SQ *CHIPOTLE ${n(1000, 3999)} DENVER CO`, cents: [-1_650, -1_050] },
  { merchant: 'Verizon', line: () => 'VERIZON WIRELESS PAYMENTS', cents: [-9_500, -6_500] },
];

/** Generates one account's feed: a salary credit, the rent, then distinct kinds of spending, in date order. */
export function generateBatch(options: GenerateOptions): SimulatedBatch {
  const random = options.random ?? Math.random;
  const today = startOfUtcDay(options.now ?? new Date());
  const transactions = pickTemplates(options.count, random)
    .map((template) => ({ template, date: daysBefore(today, randomInt(random, 0, HISTORY_DAYS - 1)) }))
    .sort((a, b) => a.date.localeCompare(b.date))
    .map(({ template, date }, index) => toTransaction(template, date, `${options.runId}-${String(index + 1).padStart(3, '0')}`, random));
  return {
    account: { account_id: options.accountId, currency: 'USD', name: 'Everyday Checking', institution: 'Simulated Bank' },
    transactions,
  };
}

/** Salary and rent first, then the other kinds in random order, starting over once all have been used. */
function pickTemplates(count: number, random: () => number): Template[] {
  const picked: Template[] = [SALARY, RENT];
  while (picked.length < count) picked.push(...shuffle(TEMPLATES, random).slice(0, count - picked.length));
  return picked.slice(0, count);
}

function toTransaction(template: Template, date: string, id: string, random: () => number): SimulatedTransaction {
  const draw = (min: number, max: number) => randomInt(random, min, max);
  const transaction: SimulatedTransaction = {
    transaction_id: `SIM-${id}`,
    date,
    amount: formatCents(randomInt(random, template.cents[0], template.cents[1])),
    currency: 'USD',
    description: template.line(draw),
  };
  if (template.merchant !== undefined) transaction.merchant_name = template.merchant;
  return transaction;
}

/** Integer cents to a decimal string with two places: -1250 → "-12.50". No float ever holds money. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`cents must be a safe integer, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const magnitude = Math.abs(cents);
  return `${sign}${Math.trunc(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

/** A uniform integer in [min, max]. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = randomInt(random, 0, i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function daysBefore(day: Date, days: number): string {
  return new Date(day.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}
