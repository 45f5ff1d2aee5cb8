import os from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

// Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot import).
const ARGON2ID = 2;

/**
 * argon2id with OWASP's floor: m = 19 MiB, t = 2, p = 1 (~6-9 ms a hash on these machines).
 * Written once here; a hash made with weaker parameters is re-computed at the next sign-in.
 */
export const ARGON2_PARAMS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const PARAMS_TAG = `m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}`;

/**
 * At most (cores - 1) argon2 computations at a time (at least one); the rest wait here, in a FIFO queue.
 * @node-rs/argon2 runs each hash/verify as a napi async task on libuv's thread pool (4 threads by default,
 * shared with fs, dns.lookup and async crypto). Unbounded, a sign-in storm fills that pool with CPU-bound
 * 19 MiB jobs that take every core from the event loop and PostgreSQL, and cheap requests (orders.list)
 * starve. Measured here (2 cores, `pnpm bench:auth`): with one job per core, orders.list p99 under a
 * sign-in storm was 1.3 s; with cores - 1 it was 0.3 s at the same sign-ins per second, because one core
 * stays free for everything else. Throughput barely moves: sign-ins are bounded by argon2 CPU either way.
 */
export const ARGON2_CONCURRENCY = Math.max(1, os.availableParallelism() - 1);
const argon2Slot = pLimit(ARGON2_CONCURRENCY);

export function hashPassword(password: string): Promise<string> {
  return argon2Slot(() => hash(password, ARGON2_PARAMS));
}

/** A valid hash of a random password: unknown users are verified against it so timing matches. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  return dummyHash;
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await argon2Slot(() => verify(storedHash, password));
  } catch {
    return false;
  }
}

export function needsRehash(storedHash: string): boolean {
  return !storedHash.startsWith('$argon2id$') || !storedHash.includes(PARAMS_TAG);
}
