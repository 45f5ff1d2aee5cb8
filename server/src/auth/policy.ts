import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { normaliseIp } from '@gatehouse/contract';
import type { PolicyInputs } from '@gatehouse/db';
import type { SessionPolicy } from './sessions.ts';

/**
 * A user's effective security policy: the strictest of the global policy (configuration), every role
 * the user holds, and the user's party. Nothing can loosen another: timeouts take the minimum, a second
 * factor is required if any of them requires it, and the address must be admitted by *every* allowlist
 * that applies (a party's list and each role's list). This is the one place that combines them.
 */
export interface EffectivePolicy {
  idleMs: number;
  absoluteMs: number;
  requireTotp: boolean;
  /** Every list must admit the address; empty: any address. */
  allowlists: readonly (readonly string[])[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function effectivePolicy(global: SessionPolicy, p: PolicyInputs): EffectivePolicy {
  const min = (base: number, ...xs: (number | null)[]) => Math.min(base, ...xs.filter((x): x is number => x !== null));
  return {
    idleMs: min(
      global.idleMs,
      p.role.idleMinutes && p.role.idleMinutes * MINUTE,
      p.partyIdleMinutes && p.partyIdleMinutes * MINUTE,
    ),
    absoluteMs: min(
      global.absoluteMs,
      p.role.absoluteHours && p.role.absoluteHours * HOUR,
      p.partyAbsoluteHours && p.partyAbsoluteHours * HOUR,
    ),
    requireTotp: p.role.requireTotp || p.partyRequireTotp === true,
    allowlists: p.partyAllowlist ? [...p.role.allowlists, p.partyAllowlist] : p.role.allowlists,
  };
}

// Compiled lists, keyed by their text: the same few lists are checked on every request. One BlockList per
// address family: Node's BlockList matches an IPv4 address against IPv6 rules through its ::ffff: form, so
// in one list `::/0` (meant as "any IPv6 address") would admit every IPv4 address too.
const compiled = new Map<string, { ipv4: BlockList; ipv6: BlockList }>();

function compile(list: readonly string[]) {
  const key = list.join(',');
  let block = compiled.get(key);
  if (!block) {
    block = { ipv4: new BlockList(), ipv6: new BlockList() };
    for (const entry of list) {
      const [address = '', bits] = entry.split('/');
      const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
      if (!type) continue; // validated on save (contract `cidr`); never widen on a bad entry
      block[type].addSubnet(address, bits === undefined ? (type === 'ipv4' ? 32 : 128) : Number(bits), type);
    }
    if (compiled.size > 1_000) compiled.clear();
    compiled.set(key, block);
  }
  return block;
}

/** Does one list admit the address? (An empty list admits nobody: saving one is refused.) */
export function listAdmits(list: readonly string[], ip: string): boolean {
  const address = normaliseIp(ip);
  const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
  if (!type) return false;
  return compile(list)[type].check(address, type);
}

/** Does every applicable list admit the address? */
export function ipAllowed(allowlists: EffectivePolicy['allowlists'], ip: string): boolean {
  return allowlists.every((list) => listAdmits(list, ip));
}
