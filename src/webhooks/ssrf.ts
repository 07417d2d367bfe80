import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../domain/errors.js';
import { withTimeout } from '../infra/timeout.js';

const CREATION_LOOKUP_MS = 3_000;

/** Address ranges a webhook may never reach: the service's own network and the cloud's metadata. */
const FORBIDDEN_V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local or cloud metadata'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved or broadcast'],
];
const FORBIDDEN_V6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'local-use NAT64 (RFC 8215: IPv4 of the local network behind it)'],
  ['100::', 64, 'discard'],
  ['2001::', 32, 'Teredo (a tunnel whose server and client IPv4 addresses it carries)'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private, incl. cloud metadata fd00:ec2::254)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const rules = FORBIDDEN_V4.map(([network, prefix, reason]) => ({ list: subnet(network, prefix, 'ipv4'), reason }))
  .concat(FORBIDDEN_V6.map(([network, prefix, reason]) => ({ list: subnet(network, prefix, 'ipv6'), reason })));

function subnet(network: string, prefix: number, type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return list;
}

/** Why an IP address may not be reached, or undefined when it is a public address. */
export function forbiddenReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const reason = rules.find((rule) => rule.list.check(address, type))?.reason;
  if (reason !== undefined || family === 4) return reason;
  const embedded = embeddedIpv4(address);
  return embedded === undefined ? undefined : forbiddenReason(embedded);
}

/**
 * The IPv4 address inside an IPv6 one that stands for it: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and
 * 6to4 (2002:AABB:CCDD::/48).
 */
function embeddedIpv4(address: string): string | undefined {
  const words = expandIpv6(address);
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  const v4 = (hi = 0, lo = 0) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const lastTwo = v4(words[6], words[7]);
  if (zero(0, 5) && (words[5] === 0xffff || words[5] === 0)) return lastTwo;
  if (zero(0, 4) && words[4] === 0xffff && words[5] === 0) return lastTwo;
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return lastTwo;
  if (words[0] === 0x2002) return v4(words[1], words[2]);
  return undefined;
}

function expandIpv6(address: string): number[] {
  let text = (address.split('%')[0] ?? '').toLowerCase();
  // A dotted IPv4 tail becomes two hex words.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/** A URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Resolves `hostname` and returns the address to connect to, refusing the name if any address it
 * resolves to is forbidden (a name that mixes public and internal answers is not trusted).
 */
export async function resolveAllowed(hostname: string, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<ResolvedAddress> {
  if (!allowPrivate && isInternalName(hostname)) throw new ForbiddenAddressError(`${hostname} is a name for this machine or its cloud's internal services`);
  const addresses = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) as 4 | 6 }] : await resolve(hostname);
  const first = addresses[0];
  if (!first) throw new Error(`${hostname} resolves to no address`);
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const reason = forbiddenReason(address);
      if (reason) throw new ForbiddenAddressError(`${hostname} resolves to ${address}, ${/^(?:[aeio]|un(?!i))/i.test(reason) ? 'an' : 'a'} ${reason} address`);
    }
  }
  return first;
}

export class ForbiddenAddressError extends Error {}

/**
 * Names that stand for this machine or its network whatever DNS says today, refused before any
 * lookup: `localhost` and its subdomains (RFC 6761), the private-use `.internal` domain (where
 * clouds put their metadata service), and the bare names EC2 and GCE give it.
 */
function isInternalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.internal') || name === 'metadata' || name === 'instance-data';
}

/**
 * The rules a webhook URL must meet when it is registered: https (unless private URLs are
 * allowed), no credentials, and a host that does not resolve to a forbidden address. A name that
 * does not resolve yet is accepted; every delivery checks again.
 */
export async function assertWebhookUrl(raw: string, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<URL> {
  const refuse = (message: string) => new AppError('invalid_webhook_url', message, { errors: [{ pointer: '/url', message }] });
  // The URL parser would drop or encode them; what is stored must be what is called.
  if (raw !== raw.trim()) throw refuse('url must not begin or end with spaces');
  if ([...raw].some((c) => c <= ' ' || (c >= '\u007f' && c <= '\u009f'))) throw refuse('url must not contain spaces or control characters');
  if (!raw.isWellFormed()) throw refuse('url must be well-formed Unicode');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('url is not an absolute URL');
  }
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw refuse(allowPrivate ? 'url must be http or https' : 'url must use https');
  if (url.username || url.password) throw refuse('url must not carry credentials');
  // A fragment is never sent; port 0 reaches no server.
  if (raw.includes('#')) throw refuse('url must not have a fragment (#…): it is not sent');
  if (url.port === '0') throw refuse('url must not name port 0');
  try {
    // A resolver that does not answer in time is no reason to refuse: every delivery checks again.
    await withTimeout(resolveAllowed(hostOf(url), allowPrivate, resolve), CREATION_LOOKUP_MS, 'resolving the host');
  } catch (error) {
    if (error instanceof ForbiddenAddressError) throw refuse(`url must not reach a private address: ${error.message}`);
  }
  return url;
}
