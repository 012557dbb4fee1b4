import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../errors.ts';

/**
 * Where a webhook may be delivered: only to public unicast addresses. The URL's host is never
 * trusted as written: an IP literal is parsed, a name is resolved and EVERY address it resolves
 * to must be public, and the request then connects to the address that was checked (see
 * `deliver-request.ts`), so that a second DNS answer cannot point it elsewhere.
 */

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all of its addresses (the system resolver by default; injectable for tests). */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: ResolveHost = (hostname) => lookup(hostname, { all: true, order: 'verbatim' });

export const PRIVATE_URL_MESSAGE = 'The webhook URL must point at a public address (set WEBHOOK_ALLOW_PRIVATE_TARGETS=true to allow private networks).';

export class DestinationRefused extends Error {
  constructor() {
    super('the destination is not a public address');
    this.name = 'DestinationRefused';
  }
}

export class DestinationUnresolved extends Error {
  constructor(cause: unknown) {
    super('the host name did not resolve', { cause });
    this.name = 'DestinationUnresolved';
  }
}

/**
 * Names that only ever mean this machine or its local network: localhost and its spellings in
 * /etc/hosts, mDNS (`.local`), the special-use and private-use domains, and single-label names
 * (which resolvers complete with the local search domains).
 */
const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback', 'localdomain']);
const LOCAL_SUFFIXES = [
  '.localhost',
  '.localdomain',
  '.local',
  '.internal',
  '.intranet',
  '.lan',
  '.home',
  '.corp',
  '.private',
  '.home.arpa',
  '.in-addr.arpa',
  '.ip6.arpa',
];

export function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (!name.includes('.')) return true;
  return LOCAL_NAMES.has(name) || LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** IPv6 prefixes that carry an IPv4 address in their last 32 bits: mapped, SIIT (RFC 6145) and NAT64 (RFC 6052). */
const EMBEDS_IPV4_LAST_32 = ['ipv4Mapped', 'rfc6145'];
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
/** Global unicast IPv6 space: anything outside it (IPv4-compatible `::a.b.c.d`, discard, site-local…) is refused. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** Whether a literal address is a public unicast one, looking through every IPv6 form that embeds IPv4. */
export function isPublicAddress(literal: string): boolean {
  const version = isIP(literal);
  if (version === 4) return ipaddr.IPv4.parse(literal).range() === 'unicast';
  if (version !== 6) return false;
  // ipaddr.js reads `::a.b.c.d` as the IPv4-mapped `::ffff:a.b.c.d`, but the socket connects to
  // the IPv4-compatible `::a.b.c.d`: the WHATWG serialization (hexadecimal only) gives the bytes
  // the system will use. Scoped addresses (`fe80::1%eth0`) do not serialize, and are never public.
  const v6 = canonicalIpv6(literal);
  if (!v6) return false;
  const range = v6.range();
  if (EMBEDS_IPV4_LAST_32.includes(range) || v6.match(NAT64_WELL_KNOWN)) return isPublicAddress(lastIpv4(v6));
  // 6to4: 2002:AABB:CCDD::/48 routes to the IPv4 address AA.BB.CC.DD.
  if (range === '6to4') return isPublicAddress(ipaddr.fromByteArray(v6.toByteArray().slice(2, 6)).toString());
  // Teredo, the local-use NAT64 prefix, documentation, ORCHID, benchmarking and the like are all
  // classified by ipaddr.js; only what is left ('unicast') inside 2000::/3 is a public host.
  return range === 'unicast' && v6.match(GLOBAL_UNICAST_V6);
}

function canonicalIpv6(literal: string): ipaddr.IPv6 | null {
  try {
    return ipaddr.IPv6.parse(new URL(`http://[${literal}]/`).hostname.slice(1, -1));
  } catch {
    return null;
  }
}

function lastIpv4(v6: ipaddr.IPv6): string {
  return ipaddr.fromByteArray(v6.toByteArray().slice(12, 16)).toString();
}

/** The host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Resolves the URL's host and returns the address to connect to: the first one, once every one
 * has been checked. With `allowPrivate` the address policy is skipped but the connection is still
 * pinned to the resolved address.
 */
export async function resolveDestination(url: URL, options: { resolve: ResolveHost; allowPrivate: boolean }): Promise<ResolvedAddress> {
  const host = hostOf(url);
  const literal = isIP(host);
  if (literal) {
    if (!options.allowPrivate && !isPublicAddress(host)) throw new DestinationRefused();
    return { address: host, family: literal };
  }
  if (!options.allowPrivate && isLocalName(host)) throw new DestinationRefused();
  let addresses: ResolvedAddress[];
  try {
    addresses = await options.resolve(host);
  } catch (error) {
    throw new DestinationUnresolved(error);
  }
  if (addresses.length === 0) throw new DestinationUnresolved(null);
  if (!options.allowPrivate && !addresses.every((entry) => isPublicAddress(entry.address))) throw new DestinationRefused();
  return addresses[0]!;
}

/**
 * The check at registration: refuses what can be known now to be local (literal addresses, local
 * names, names that already resolve to a private address). A name that does not resolve yet is
 * accepted: the check at each delivery is the one that protects.
 */
export async function assertRegistrable(url: URL, options: { resolve: ResolveHost; allowPrivate: boolean }): Promise<void> {
  if (options.allowPrivate) return;
  try {
    await resolveDestination(url, options);
  } catch (error) {
    if (error instanceof DestinationRefused) throw new AppError(400, 'private_url', PRIVATE_URL_MESSAGE);
    if (error instanceof DestinationUnresolved) return;
    throw error;
  }
}
