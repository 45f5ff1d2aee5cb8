import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, isIPv4 } from 'node:net';
import { normaliseIp } from '@gatehouse/contract';
import { listAdmits } from '../../auth/policy.ts';

/**
 * The SSRF guard for outbound calls (webhooks): an address is checked when the connection is made, on
 * the address actually dialled (a custom `lookup`, so DNS rebinding between a check and the connect
 * cannot slip past). Loopback, link-local (with the cloud metadata address), private, shared, reserved
 * and multicast ranges are refused unless the endpoint's admin-allowlisted CIDRs admit the address;
 * plain http is allowed only to an allowlisted address.
 */
// Two lists: node's BlockList also matches an IPv4 address against IPv6 rules for its mapped form
// (::ffff:a.b.c.d), so one list holding ::ffff:0:0/96 would refuse every IPv4 address.
const DENIED_V4 = new BlockList();
const DENIED_V6 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  DENIED_V4.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  // :: and ::1, and the deprecated IPv4-compatible form (::a.b.c.d).
  ['::', 96],
  ['::ffff:0:0', 96],
  // 6to4 and Teredo carry an IPv4 address inside; a receiver has no business there.
  ['2002::', 16],
  ['2001::', 32],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  DENIED_V6.addSubnet(net, bits, 'ipv6');

export class SsrfRefused extends Error {
  override name = 'SsrfRefused';
}

export interface Resolved {
  address: string;
  family: number;
}
/** Resolves a host name to its addresses (tests pass a fake; the default asks the system resolver). */
export type Resolver = (host: string) => Promise<Resolved[]>;
export const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/** Why `address` may not be dialled for this endpoint, or null when it may. */
export function refusal(address: string, opts: { allowedCidrs: readonly string[]; plainHttp: boolean }): string | null {
  const ip = normaliseIp(address);
  const kind = isIP(ip);
  if (!kind) return `${address} is not an IP address`;
  // Only networks of the address's own family: node's BlockList would let an IPv6 entry such as ::/0 admit
  // every IPv4 address through its mapped form, which is not what an admin writing ::/0 means.
  const v4 = isIPv4(ip);
  const allowed = opts.allowedCidrs.filter((c) => isIPv4(c.split('/')[0] ?? '') === v4);
  if (allowed.length > 0 && listAdmits(allowed, ip)) return null;
  if (opts.plainHttp) return `http is allowed only to an allowlisted address (${ip} is not); use https`;
  if (isIPv4(ip) ? DENIED_V4.check(ip, 'ipv4') : DENIED_V6.check(ip, 'ipv6'))
    return `${ip} is a private, loopback, link-local or reserved address; allowlist its network on the endpoint to allow it`;
  return null;
}

type LookupCallback = (err: Error | null, address: string | Resolved[], family?: number) => void;

/**
 * A `lookup` for node:net / node:http: resolves with `resolve`, refuses the connection when any address
 * the name resolves to is refused (so a name mixing a public and an internal address is refused too).
 */
export function guardedLookup(resolve: Resolver, opts: { allowedCidrs: readonly string[]; plainHttp: boolean }) {
  return (hostname: string, options: { all?: boolean } | number, callback: LookupCallback) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '');
        for (const a of addresses) {
          const why = refusal(a.address, opts);
          if (why) return callback(new SsrfRefused(`refused to connect to ${hostname}: ${why}`), '');
        }
        const first = addresses[0] as Resolved;
        if (typeof options === 'object' && options.all) return callback(null, addresses);
        return callback(null, first.address, first.family);
      },
      (err: Error) => callback(err, ''),
    );
  };
}
