import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type ReservedSql, type Sql } from 'postgres';
import { signContext, type TenantScope } from './context.ts';

/**
 * The one way to reach data: `database.tx(scope, (tx) => ...)`. It reserves a connection, pipelines
 * BEGIN + the signed tenant context in front of the first statement, and hands the callback a `Tx`:
 * a Drizzle handle bound to that connection plus the scope. Repositories (src/data) take a `Tx` as their
 * first argument and nothing else can make one, so there is no unscoped path to party data.
 *
 * (An earlier version routed a module-level Drizzle through AsyncLocalStorage; on Node 20 that enables
 * async hooks for every promise in the process and cost ~9% of the server's CPU on the hot path.)
 */
export interface Tx {
  readonly db: PostgresJsDatabase;
  readonly scope: TenantScope;
  /**
   * COPY rows into a table (a bulk writer's temporary stage) on this transaction's connection: text
   * format, values as strings or null. Identifiers are the caller's constants, never input.
   */
  copyIn(table: string, columns: readonly string[], rows: Iterable<readonly (string | null)[]>): Promise<void>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
/** One value in COPY's text format: backslash, tab, newline and carriage return escaped; null is \N. */
const copyValue = (v: string | null) =>
  v === null ? '\\N' : COPY_SPECIAL.test(v) ? v.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c] as string) : v;
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

async function copyRows(
  conn: ReservedSql,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly (string | null)[]>,
) {
  if (!IDENT.test(table) || !columns.every((c) => IDENT.test(c))) throw new Error('copyIn: not an identifier');
  const writable = await conn.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
  // One string per 64 kB sent, built cell by cell: no array per row (a CSV import COPYs millions of rows).
  let data = '';
  const flush = async () => {
    if (data.length === 0) return;
    const out = data;
    data = '';
    if (!writable.write(out)) await new Promise<void>((resolve) => writable.once('drain', () => resolve()));
  };
  for (const row of rows) {
    let line = copyValue(row[0] ?? null);
    for (let i = 1; i < row.length; i++) line += `\t${copyValue(row[i] ?? null)}`;
    data += `${line}\n`;
    if (data.length > 64 * 1024) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => {
    writable.once('error', reject);
    writable.end(() => resolve());
  });
}

// Same list drizzle-orm's postgres-js driver makes transparent: Drizzle maps these types itself.
const TRANSPARENT_TYPES = ['1184', '1082', '1083', '1114', '1182', '1185', '1115', '1231'];

export interface DatabaseOptions {
  /** Connection URL for the app role (gatehouse_app). */
  appUrl: string;
  /** Key that signs tenant contexts; the same one migrate() installs in gh_private. */
  contextKey: Buffer;
  maxConnections?: number;
  /**
   * How long a transaction waits for a pooled connection before it gives up with a DatabaseUnavailable
   * (the server answers 503). Also bounds opening a new connection. Default 5000 ms.
   */
  acquireTimeoutMs?: number;
  onError?: (err: unknown) => void;
  /** application_name of its connections (pg_stat_activity); 'gatehouse' unless said. */
  applicationName?: string;
}

export const DEFAULT_ACQUIRE_TIMEOUT_MS = 5_000;

/**
 * No connection could be had in time (PostgreSQL is down, unreachable or every connection is busy).
 * `code` is what the server's error mapping recognises, like the driver's own connection errors.
 */
export class DatabaseUnavailable extends Error {
  readonly code = 'ACQUIRE_TIMEOUT';
}

/**
 * Reconnection backoff, in seconds. postgres.js's default grows to 20 s after a few failed attempts, so
 * after an outage the pool kept waiting long after PostgreSQL was back; this one stays under half a second.
 */
const reconnectBackoff = (retries: number) => Math.min(0.025 * 2 ** retries, 0.5) * (0.5 + Math.random() / 2);

export interface Database {
  /** A read-write transaction; its COMMIT is awaited. */
  tx<T>(scope: TenantScope, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A read-only transaction (BEGIN READ ONLY): PostgreSQL refuses any write inside it. Its COMMIT is sent
   * but not awaited (the connection keeps order, so the next user queues behind it), which saves a round
   * trip on every read; a read's COMMIT has nothing to lose if it fails.
   */
  read<T>(scope: TenantScope, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A read-only transaction of exactly one statement, sent with its BEGIN, context and COMMIT in one
   * network write and one round trip (the hot path: session lookup, list pages). A second statement
   * inside it throws.
   */
  readOne<T>(scope: TenantScope, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** true when PostgreSQL answers (within the acquire deadline); never throws. */
  ping(): Promise<boolean>;
  /**
   * A statement on the raw pool (appSql), bounded like a transaction's wait for a connection: past
   * acquireTimeoutMs it rejects with DatabaseUnavailable (the statement itself may still run later).
   */
  withDeadline<T>(work: PromiseLike<T>): Promise<T>;
  /**
   * Connections reserved by transactions right now, transactions waiting for one, and the pool's size:
   * counted where connections are reserved (raw-pool statements such as ping are not included).
   */
  poolStats(): { inUse: number; waiting: number; max: number };
  close(): Promise<void>;
  /**
   * Every connection of this pool that runs a write transaction LISTENs on `channel` (once), so that a
   * transaction's own notifications reach `onNotify` before its `tx()` returns: PostgreSQL delivers a
   * session's notifications to itself ahead of the COMMIT's ReadyForQuery, and postgres.js resolves the
   * COMMIT only then. At most one channel per Database.
   */
  hear(channel: string, onNotify: (payload: string) => void): void;
  /**
   * `hear`, and LISTEN on a dedicated connection of its own for everyone else's notifications, re-established
   * with backoff after it drops. `onUp` follows each LISTEN of it that succeeded (notifications sent while it
   * was not listening are lost, so a cache must start over there); `onDown` follows its loss.
   */
  listen(channel: string, handlers: ListenHandlers): Listener;
  /** Raw pool as the app role, for tests and benchmarks that must prove what the app role can do. */
  readonly appSql: Sql;
}

export interface ListenHandlers {
  onNotify(payload: string): void;
  onUp(): void;
  onDown(): void;
}

export interface Listener {
  /** Whether the dedicated connection is listening right now. */
  listening(): boolean;
  /** Its backend's process id while it is listening (pg_stat_activity.pid), else null. */
  pid(): number | null;
  stop(): Promise<void>;
}

type Mode = 'write' | 'read' | 'one';

/**
 * The client Drizzle sees inside one transaction: every statement goes to the reserved connection, as a
 * server-side prepared statement (re-planning every call doubled PostgreSQL's CPU). In 'one' mode the
 * COMMIT is queued right behind the first statement: postgres.js hands queries to the connection in call
 * order and writes them in one batch, so BEGIN + context + statement + COMMIT is one round trip.
 */
function transactionClient(conn: ReservedSql, options: Sql['options'], mode: Mode) {
  let statements = 0;
  let commit: Promise<unknown> | undefined;
  return {
    options, // the pool's: a reserved connection shares them but does not expose them
    statements: () => statements,
    /** The COMMIT queued behind the one statement of a readOne (undefined until it is). */
    queuedCommit: () => commit,
    unsafe(query: string, params?: unknown[], opts?: { prepare?: boolean }) {
      statements += 1;
      if (mode === 'one' && statements > 1) throw new Error('readOne allows exactly one statement');
      const q = conn.unsafe(query, params as never[], { ...opts, prepare: true });
      if (mode === 'one') {
        q.execute();
        commit = conn`commit`.execute().catch(() => {});
      }
      return q;
    },
  };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function createDatabase(opts: DatabaseOptions): Database {
  const acquireTimeoutMs = opts.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
  /** Set by listen(): the channel every write transaction's connection listens on, and its handler. */
  let notify: { channel: string; onNotify(payload: string): void } | undefined;
  /** The connections (postgres.js's per-connection backend object) already listening on that channel. */
  const listeningBackends = new WeakSet<object>();
  const listeners = new Set<Listener>();
  const sql = postgres(opts.appUrl, {
    max: opts.maxConnections ?? 20, // poolStats().max says the same
    idle_timeout: 60,
    // Seconds; an unreachable host (packets dropped, no refusal) fails within the acquire deadline.
    connect_timeout: Math.max(1, Math.floor(acquireTimeoutMs / 1000)),
    backoff: reconnectBackoff,
    onnotice: () => {},
    onnotify: (channel, payload) => {
      if (notify && channel === notify.channel) notify.onNotify(payload);
    },
    connection: { application_name: opts.applicationName ?? 'gatehouse' },
  });
  for (const t of TRANSPARENT_TYPES) {
    (sql.options.parsers as Record<string, (v: string) => unknown>)[t] = (v: string) => v;
    (sql.options.serializers as Record<string, (v: unknown) => unknown>)[t] = (v: unknown) => v;
  }
  // Drizzle stringifies json/jsonb itself; postgres.js must not encode the string a second time.
  for (const t of ['114', '3802'])
    (sql.options.serializers as Record<string, (v: unknown) => unknown>)[t] = (v: unknown) => v;

  /**
   * sql.reserve() has no deadline: while PostgreSQL was down, requests queued for a connection waited
   * minutes. This one gives up after acquireTimeoutMs; a connection that arrives later goes straight back.
   */
  async function withDeadline<T>(work: PromiseLike<T>, onLate?: (late: T) => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DatabaseUnavailable(`no database connection within ${acquireTimeoutMs} ms`)),
        acquireTimeoutMs,
      );
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (e) {
      // Given up on: whatever it yields later is dropped (a connection goes straight back to the pool).
      work.then(onLate, () => {});
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
  const reserve = () => withDeadline(sql.reserve(), (late) => late.release());
  function hear(channel: string, onNotify: (payload: string) => void) {
    if (!IDENTIFIER.test(channel)) throw new Error('hear: not a channel name');
    if (notify) throw new Error('hear: this database already hears a channel');
    notify = { channel, onNotify };
  }
  const max = opts.maxConnections ?? 20;
  let inUse = 0;
  let waiting = 0;

  async function run<T>(scope: TenantScope, fn: (tx: Tx) => Promise<T>, mode: Mode): Promise<T> {
    waiting += 1;
    let conn: ReservedSql;
    try {
      conn = await reserve();
    } finally {
      waiting -= 1;
    }
    inUse += 1;
    const release = () => {
      inUse -= 1;
      conn.release();
    };
    let finished = false;
    let unawaitedCommit: Promise<unknown> | undefined;
    try {
      // Sent now, answered before fn's first statement: postgres.js pipelines on the reserved connection.
      const preamble = Promise.all([
        (mode === 'write' ? conn`begin` : conn`begin read only`).execute(),
        conn`select set_config('app.ctx', ${signContext(opts.contextKey, scope)}, true)`.execute(),
      ]);
      preamble.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
      const client = transactionClient(conn, sql.options, mode);
      // drizzle() over the transaction's client costs ~4 µs; it must not be given a schema (that builds
      // relational-query metadata on every call). Its parser setup mutates the shared options, as above.
      const result = await fn({
        db: drizzle(client as unknown as Sql),
        scope,
        copyIn: async (table, columns, rows) => {
          await preamble; // the COPY must run inside this transaction, after its BEGIN and context
          await copyRows(conn, table, columns, rows);
        },
      });
      const [begun] = await preamble;
      if (mode === 'write') {
        // Once per connection (one round trip in its life): from this commit on, the connection hears its own
        // transactions' notifications before their COMMIT answers (see `listen`). Awaited before the COMMIT,
        // so a failed LISTEN rolls the transaction back with an error instead of a silent ROLLBACK.
        const listen = notify && !listeningBackends.has(begun.state);
        if (listen) await conn.unsafe(`listen ${notify?.channel}`);
        await conn`commit`;
        if (listen) listeningBackends.add(begun.state);
      } else unawaitedCommit = client.queuedCommit() ?? conn`commit`.execute().catch(() => {});
      finished = true;
      return result;
    } finally {
      if (!finished) await conn`rollback`.catch(() => {});
      // A read's COMMIT is not awaited, but the connection goes back to the pool only once it is done.
      // postgres.js 4 hands a reserved connection's queries to it one after another, each once the one
      // before is written; release() waits for queries already written, but one not yet written is
      // rejected ("The reserve has ended") and a connection left inside a transaction is closed, not
      // pooled. Releasing earlier would lose the COMMIT and reconnect after such reads (3.4.9 was worse: it
      // dropped the waiting COMMIT and pooled the connection still inside this read-only transaction, with
      // this request's tenant context, for the next user; test/connection.test.ts holds that).
      if (unawaitedCommit) void unawaitedCommit.finally(release);
      else release();
    }
  }

  return {
    tx: (scope, fn) => run(scope, fn, 'write'),
    read: (scope, fn) => run(scope, fn, 'read'),
    readOne: (scope, fn) => run(scope, fn, 'one'),
    appSql: sql,
    withDeadline: (work) => withDeadline(work),
    poolStats: () => ({ inUse, waiting, max }),
    async ping() {
      try {
        await withDeadline(sql`select 1`.execute());
        return true;
      } catch (e) {
        opts.onError?.(e);
        return false;
      }
    },
    hear,
    listen(channel, handlers) {
      hear(channel, handlers.onNotify);
      const listener = dedicatedListener(opts, channel, handlers);
      listeners.add(listener);
      return listener;
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.stop()));
      await sql.end({ timeout: 5 });
    },
  };
}

/**
 * One connection that only listens. postgres.js's own sql.listen() re-listens after a drop but does not say
 * when the connection was lost, and a cache must know that at once (it cannot trust itself until it hears
 * again); so this keeps a one-connection client of its own per attempt and watches its close. A connection
 * that dies silently (a firewall dropping it without a reset) would not close for minutes: a `select 1`
 * every HEARTBEAT_MS that is not answered within as long counts as a drop.
 */
const HEARTBEAT_MS = 5_000;

function dedicatedListener(opts: DatabaseOptions, channel: string, handlers: ListenHandlers): Listener {
  let stopped = false;
  let pid: number | null = null;
  let retries = 0;
  let timer: NodeJS.Timeout | undefined;
  let client: Sql | null = null;
  const down = () => {
    if (pid === null) return;
    pid = null;
    handlers.onDown();
  };
  /** Gives up on `c` (closed, failed or silent): down at once, a fresh client after a backoff. */
  const drop = (c: Sql) => {
    if (client !== c) return;
    client = null;
    down();
    c.end({ timeout: 0 }).catch(() => undefined);
    schedule();
  };
  const schedule = () => {
    if (stopped || timer) return;
    retries += 1;
    timer = setTimeout(attempt, reconnectBackoff(retries) * 1000);
  };
  async function attempt() {
    timer = undefined;
    if (stopped) return;
    const c: Sql = postgres(opts.appUrl, {
      max: 1,
      idle_timeout: null,
      max_lifetime: null,
      connect_timeout: Math.max(1, Math.floor((opts.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS) / 1000)),
      fetch_types: false,
      onnotice: () => {},
      onnotify: (ch, payload) => {
        if (client === c && pid !== null && ch === channel) handlers.onNotify(payload);
      },
      onclose: () => drop(c),
      connection: { application_name: `${opts.applicationName ?? 'gatehouse'}-listen` },
    });
    client = c;
    try {
      const result = await c.unsafe(`listen ${channel}`);
      if (stopped || client !== c) return;
      retries = 0;
      pid = result.state.pid;
      handlers.onUp();
    } catch (err) {
      opts.onError?.(err);
      drop(c);
    }
  }
  const heartbeat = setInterval(() => {
    const c = client;
    if (!c || pid === null) return;
    let answered = false;
    c`select 1`.then(
      () => {
        answered = true;
      },
      () => drop(c),
    );
    setTimeout(() => answered || drop(c), HEARTBEAT_MS).unref();
  }, HEARTBEAT_MS);
  heartbeat.unref();
  void attempt();
  return {
    listening: () => pid !== null,
    pid: () => pid,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(heartbeat);
      down();
      const c = client;
      client = null;
      await c?.end({ timeout: 0 }).catch(() => undefined);
    },
  };
}
