import { type Database, type Listener, SESSION_CHANGES_CHANNEL, type sessionsRepo } from '@gatehouse/db';

/** What `sessionsRepo.getWithUser` reads: everything a request needs about its session, user and party. */
export type SessionRow = NonNullable<Awaited<ReturnType<typeof sessionsRepo.getWithUser>>>;

export interface SessionCacheOptions {
  /** Most sessions held; the least recently used goes first (SESSION_CACHE_MAX_ENTRIES). */
  maxEntries: number;
  /** A row older than this is read again, whatever was heard (SESSION_CACHE_MAX_AGE_SECONDS): defence in depth. */
  maxAgeMs: number;
  /** Monotonic milliseconds (tests pass their own). */
  now?: () => number;
}

interface Entry {
  row: SessionRow;
  storedAt: number;
}

/**
 * The session lookup's row, per session id, in this process (docs/security.md, "Session cache"). It saves
 * the database round trip of an authenticated request; the secret, the expiries (from the clock) and the
 * statuses are still checked on every request by validateSession, which also never acts on a negative verdict
 * of a cached row: it reads the database again before it refuses or deletes anything.
 *
 * Staleness is bounded by PostgreSQL notifications (migration `auth-cache-notify`): every change to a
 * session, user, party, role, role grant, second factor or preference notifies at commit, and `heard` drops
 * what it names. The cache is used only while its listening connection is known to listen: before the first
 * LISTEN, and from a lost connection until it listens again, every lookup goes to the database, and each
 * (re)listen starts from empty because notifications sent meanwhile are lost.
 *
 * Fills race with invalidations: a row read before a change committed but stored after its notification was
 * heard would stay stale. So every notification bumps `version`, a reader takes a `ticket` before it reads,
 * and `store` keeps the row only if nothing was heard since.
 */
export class SessionCache {
  readonly stats = { hits: 0, misses: 0, bypassed: 0, notifications: 0, dropped: 0, resets: 0 };
  private readonly entries = new Map<string, Entry>();
  // Session ids by user and by party, so a `u:`/`p:` notification costs its ids, not a scan of the cache
  // (every listening connection of the pool hears each notification, so it is handled several times).
  private readonly byUser = new Map<string, Set<string>>();
  private readonly byParty = new Map<string, Set<string>>();
  private version = 0;
  private up = false;
  private readonly now: () => number;
  /** The connection that listens for it (set by startSessionCache). */
  listener: Listener | null = null;

  constructor(private readonly opts: SessionCacheOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** True while invalidations are heard: only then is anything served or stored. */
  get listening(): boolean {
    return this.up;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The listening connection's backend pid (pg_stat_activity), or null while it does not listen. */
  listenerPid(): number | null {
    return this.listener?.pid() ?? null;
  }

  /** Whether a session is cached, without counting a lookup or refreshing its place (tests, diagnostics). */
  holds(id: string): boolean {
    return this.entries.has(id);
  }

  /** The listening connection listens (again): start from empty, since notifications may have been missed. */
  resume() {
    this.reset();
    this.up = true;
  }

  /** The listening connection was lost: bypass the cache until it listens again. */
  suspend() {
    this.up = false;
    this.reset();
  }

  /** The cached row of a session, or undefined (not cached, too old, or the cache is bypassed). */
  lookup(id: string): SessionRow | undefined {
    if (!this.up) {
      this.stats.bypassed += 1;
      return undefined;
    }
    const entry = this.entries.get(id);
    if (!entry || this.now() - entry.storedAt > this.opts.maxAgeMs) {
      if (entry) this.remove(id);
      this.stats.misses += 1;
      return undefined;
    }
    // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
    this.entries.delete(id);
    this.entries.set(id, entry);
    this.stats.hits += 1;
    return entry.row;
  }

  /** Taken before a database read whose row may be stored: see `store`. */
  ticket(): number {
    return this.version;
  }

  /** Keeps a row read from the database, unless a notification was heard since `ticket` (or none can be). */
  store(id: string, row: SessionRow, ticket: number) {
    if (!this.up || ticket !== this.version) return;
    this.remove(id);
    this.entries.set(id, { row, storedAt: this.now() });
    index(this.byUser, row.userId, id);
    index(this.byParty, row.partyId, id);
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  /** This instance moved the session's sliding expiry (a change that notifies nobody; same user and party). */
  touched(id: string, lastSeenAt: Date, idleExpiresAt: Date) {
    const entry = this.entries.get(id);
    if (entry) entry.row = { ...entry.row, lastSeenAt, idleExpiresAt };
  }

  drop(id: string) {
    this.remove(id);
  }

  /**
   * A notification on the channel: `s:`, `u:` or `p:` and comma-separated session, user or party ids, or `*`.
   * Anything else empties the cache too: an unknown payload must not leave a stale row behind.
   */
  heard(payload: string) {
    this.version += 1;
    this.stats.notifications += 1;
    const kind = payload.slice(0, 2);
    const ids = payload.slice(2).split(',');
    if (kind === 's:') {
      for (const id of ids) if (this.remove(id)) this.stats.dropped += 1;
      return;
    }
    const by = kind === 'u:' ? this.byUser : kind === 'p:' ? this.byParty : null;
    if (!by) {
      this.reset();
      return;
    }
    for (const owner of ids) {
      for (const id of [...(by.get(owner) ?? [])]) if (this.remove(id)) this.stats.dropped += 1;
    }
  }

  /** The one way out of the cache (eviction, expiry, invalidation), keeping the indexes in step. */
  private remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    unindex(this.byUser, entry.row.userId, id);
    unindex(this.byParty, entry.row.partyId, id);
    return true;
  }

  private reset() {
    this.version += 1;
    this.stats.resets += 1;
    this.entries.clear();
    this.byUser.clear();
    this.byParty.clear();
  }
}

function index(map: Map<string, Set<string>>, key: string, id: string) {
  const set = map.get(key);
  if (set) set.add(id);
  else map.set(key, new Set([id]));
}

function unindex(map: Map<string, Set<string>>, key: string, id: string) {
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}

/**
 * The cache, fed by the database's notifications: `db.listen` opens the listening connection and makes every
 * write transaction of this pool hear its own notifications before its COMMIT returns, so a change made
 * through this instance (sign-out, revocation, a role taken away) is out of its cache before the response
 * that reports it leaves. Other instances hear it shortly after the commit (docs/security.md).
 */
export function startSessionCache(db: Database, opts: SessionCacheOptions): SessionCache {
  const cache = new SessionCache(opts);
  cache.listener = db.listen(SESSION_CHANGES_CHANNEL, {
    onNotify: (payload) => cache.heard(payload),
    onUp: () => cache.resume(),
    onDown: () => cache.suspend(),
  });
  return cache;
}
