import { describe, expect, it } from 'vitest';
import { SessionCache, type SessionRow } from './session-cache.ts';

const row = (id: string, userId = `user-${id}`, partyId = `party-${id}`) =>
  ({ id, userId, partyId, secretHash: 'h', lastSeenAt: new Date(0), idleExpiresAt: new Date(0) }) as SessionRow;

function listeningCache(opts: { maxEntries?: number; maxAgeMs?: number } = {}) {
  const clock = { t: 0 };
  const cache = new SessionCache({
    maxEntries: opts.maxEntries ?? 100,
    maxAgeMs: opts.maxAgeMs ?? 60_000,
    now: () => clock.t,
  });
  cache.resume();
  const put = (r: SessionRow) => cache.store(r.id, r, cache.ticket());
  return { cache, clock, put };
}

describe('the session cache', () => {
  it('serves nothing and keeps nothing until it listens, and again once the listener is lost', () => {
    const cache = new SessionCache({ maxEntries: 10, maxAgeMs: 60_000 });
    cache.store('a', row('a'), cache.ticket());
    expect(cache.lookup('a')).toBeUndefined();
    expect(cache.stats.bypassed).toBe(1);
    cache.resume();
    cache.store('a', row('a'), cache.ticket());
    expect(cache.lookup('a')?.id).toBe('a');
    cache.suspend();
    expect(cache.lookup('a')).toBeUndefined();
    cache.resume(); // notifications may have been missed meanwhile: it starts from empty
    expect(cache.lookup('a')).toBeUndefined();
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1, bypassed: 2 });
  });

  it('drops what a notification names: a session, a user’s sessions, a party’s sessions, or everything', () => {
    const { cache, put } = listeningCache();
    for (const r of [row('s1', 'u1', 'p1'), row('s2', 'u1', 'p1'), row('s3', 'u2', 'p1'), row('s4', 'u3', 'p2')])
      put(r);
    cache.heard('s:s1,unknown');
    expect(['s1', 's2', 's3', 's4'].map((id) => !!cache.lookup(id))).toEqual([false, true, true, true]);
    cache.heard('u:u1');
    expect(['s2', 's3', 's4'].map((id) => !!cache.lookup(id))).toEqual([false, true, true]);
    cache.heard('p:p9,p1');
    expect(['s3', 's4'].map((id) => !!cache.lookup(id))).toEqual([false, true]);
    cache.heard('*');
    expect(cache.lookup('s4')).toBeUndefined();
    put(row('s5'));
    cache.heard('something new'); // an unknown payload empties it rather than leave a stale row
    expect(cache.size).toBe(0);
  });

  it('does not keep a row read before a notification it heard while the read was under way', () => {
    const { cache } = listeningCache();
    const ticket = cache.ticket(); // the read starts...
    cache.heard('u:someone-else'); // ...a change commits elsewhere (it may concern this row: ids are not compared)
    cache.store('a', row('a'), ticket); // ...the read's row arrives, possibly from before that change
    expect(cache.lookup('a')).toBeUndefined();
    const fresh = cache.ticket();
    cache.store('a', row('a'), fresh);
    expect(cache.lookup('a')?.id).toBe('a');
    // A listener that dropped and came back while a read was under way voids it too.
    const during = cache.ticket();
    cache.suspend();
    cache.resume();
    cache.store('b', row('b'), during);
    expect(cache.lookup('b')).toBeUndefined();
  });

  it('holds at most maxEntries, evicting the least recently used, and reads a row again after maxAge', () => {
    const { cache, clock, put } = listeningCache({ maxEntries: 2, maxAgeMs: 1_000 });
    put(row('a'));
    put(row('b'));
    expect(cache.lookup('a')).toBeDefined(); // a is now the most recently used
    put(row('c'));
    expect([!!cache.lookup('a'), !!cache.lookup('b'), !!cache.lookup('c')]).toEqual([true, false, true]);
    clock.t = 1_001;
    expect(cache.lookup('a')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('drops by user and party through its indexes, which follow evictions, expiry and replacement', () => {
    const { cache, clock, put } = listeningCache({ maxEntries: 2, maxAgeMs: 1_000 });
    put(row('s1', 'u1', 'p1'));
    put(row('s2', 'u2', 'p1'));
    put(row('s3', 'u1', 'p2')); // evicts s1
    cache.heard('u:u1');
    expect(cache.stats.dropped).toBe(1); // s3 only: s1 was evicted, and left the index with it
    expect([cache.holds('s2'), cache.holds('s3')]).toEqual([true, false]);
    put(row('s2', 'u2', 'p1')); // stored again: one index entry, not two
    cache.heard('p:p1');
    expect(cache.stats.dropped).toBe(2);
    put(row('s4', 'u4', 'p4'));
    clock.t = 1_001;
    expect(cache.lookup('s4')).toBeUndefined(); // too old: gone, index too
    cache.heard('u:u4,p4');
    expect(cache.stats.dropped).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('records this instance’s own sliding-expiry write on the cached row', () => {
    const { cache, put } = listeningCache();
    put(row('a'));
    cache.touched('a', new Date(5_000), new Date(9_000));
    expect(cache.lookup('a')).toMatchObject({ lastSeenAt: new Date(5_000), idleExpiresAt: new Date(9_000) });
    cache.touched('gone', new Date(1), new Date(2)); // not cached: nothing to update, nothing added
    expect(cache.size).toBe(1);
  });
});
