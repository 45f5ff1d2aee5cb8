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
 * At most one argon2 computation per core at a time; the rest wait here, in a FIFO queue.
 * @node-rs/argon2 runs each hash/verify as a napi async task on libuv's thread pool (4 threads by default,
 * shared with fs, dns.lookup and async crypto). Unbounded, a sign-in storm fills that pool with
 * CPU-bound 19 MiB jobs that compete with the event loop and PostgreSQL for every core, so cheap requests
 * (orders.list) starve and fs/dns work queues behind password hashing. With one per core the queue is
 * here, in JS, where it costs nothing, and other work always finds a free thread. Throughput does not
 * drop: argon2 with p = 1 keeps one core busy, so more at once than cores only time-slices.
 */
export const ARGON2_CONCURRENCY = Math.max(1, os.availableParallelism());
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
