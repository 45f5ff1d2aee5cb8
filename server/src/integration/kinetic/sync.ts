import { type Database, kineticRepo, kineticWritebackRepo, type Tx } from '@gatehouse/db';
import { raiseAlert } from '../../audit/alerts.ts';
import { record as recordAudit, SYSTEM as SYSTEM_ORIGIN } from '../../audit/audit.ts';
import { unseal } from '../../auth/seal.ts';
import type { Clock } from '../../auth/sessions.ts';
import { integrationSealKey } from '../../keys.ts';
import type { Logger } from '../../logger.ts';
import { SYSTEM_SCOPE } from '../../parties/scope.ts';
import { type Checked, check, type RowSource, writeRows } from '../mirror.ts';
import {
  type ClientOptions,
  KineticClient,
  KineticError,
  type KineticSettings,
  type ODataPage,
  type ODataRow,
} from './client.ts';
import { erpKey, STREAM_NAMES, STREAMS, type StreamDef, streamDef } from './streams.ts';

/**
 * The Kinetic sync (design note §6). Per stream: an initial load by primary-key keyset from a recorded
 * H0 = max(SysRevID), then incremental keyset paging on SysRevID from H0. `@odata.nextLink` is followed when
 * the server sends one; otherwise the next page is asked for by keyset until a page comes back empty, so a
 * silent server cap (fewer rows than `$top`) never ends a read early. `$skip` is never sent by us.
 *
 * Lagged watermark: SysRevID is taken at write time, not commit time, so a long Kinetic transaction can
 * commit a row below a SysRevID already read. The cursor therefore has two marks: `read` (what this run has
 * applied, for resuming after a crash) and `rev` (settled: every run starts there, re-reading the window
 * above it). At the end of a run `read` becomes the pending watermark; it is promoted to `rev` only once it
 * is `settleMs` old. Re-reading is cheap: the mirror writer skips rows whose revision is not newer.
 *
 * Each page is one transaction on the sync pool: mirror writes, rejects, the stream's cursor and one audit
 * entry (when anything changed). A crash between pages resumes at the committed cursor; a crash inside a
 * page rolls the page back and reads it again. Rows the writer refuses (an unknown party above all) go to
 * `kinetic_rejects` and are written again at the start of every run of their stream, until they apply.
 */

export interface SyncDeps {
  db: Database;
  syncDb: Database;
  clock: Clock;
  config: { secret: Buffer };
  log?: Logger;
  client?: ClientOptions;
  /** Fault injection for tests: throw inside a page's transaction (before commit) or after it. */
  onPage?: (n: number, where: 'inside' | 'after') => void;
}

export type Cursor = kineticRepo.KineticCursor;

export interface RunResult {
  stream: string;
  outcome: 'ok' | 'failed' | 'skipped';
  pages: number;
  rows: number;
  rejected: number;
  error?: string;
}

const SOURCE_NAME = 'Epicor Kinetic';

/** The connection with its secrets unsealed (in memory only), or null when none is configured. */
export async function loadConnection(db: Database, secret: Buffer) {
  const conn = await db.read(SYSTEM_SCOPE, (tx) => kineticRepo.getConnection(tx));
  if (!conn) return null;
  const key = integrationSealKey(secret);
  const settings: KineticSettings = {
    baseUrl: conn.baseUrl,
    instance: conn.instance,
    company: conn.company,
    authMode: conn.authMode,
    username: conn.username,
    password: Buffer.from(unseal(key, conn.passwordSealed)).toString('utf8'),
    apiKey: Buffer.from(unseal(key, conn.apiKeySealed)).toString('utf8'),
    caBundle: conn.caBundle,
    allowedCidrs: conn.allowedCidrs,
  };
  return { conn, settings };
}

/**
 * One cycle: every enabled stream that is due, in dependency order. An authentication failure pauses the
 * whole connection (state `auth_failed`, an alert) until an administrator saves or tests it again.
 */
export async function runDue(deps: SyncDeps, opts: { force?: boolean } = {}): Promise<RunResult[]> {
  const loaded = await loadConnection(deps.syncDb, deps.config.secret);
  if (!loaded || loaded.conn.state === 'auth_failed') return [];
  await deps.syncDb.tx(SYSTEM_SCOPE, (tx) => kineticRepo.ensureStreams(tx, STREAM_NAMES));
  const streams = await deps.syncDb.read(SYSTEM_SCOPE, (tx) => kineticRepo.listStreams(tx));
  const client = new KineticClient(loaded.settings, { now: () => deps.clock.now(), ...deps.client });
  const now = deps.clock.now();
  const results: RunResult[] = [];
  for (const def of STREAMS) {
    const s = streams.find((x) => x.stream === def.name);
    if (!s?.enabled) continue;
    if (!opts.force && s.lastRunAt && now - s.lastRunAt.getTime() < s.pollSeconds * 1000) continue;
    const r = await runStream(deps, def, client, loaded.conn);
    results.push(r);
    if (r.outcome === 'failed' && r.error?.startsWith('auth:')) break;
  }
  return results;
}

/** One run of one named stream now, whatever its schedule (tests, and a "sync now" for one stream). */
export async function runOne(deps: SyncDeps, name: string): Promise<RunResult> {
  const def = streamDef(name);
  const loaded = await loadConnection(deps.syncDb, deps.config.secret);
  if (!def || !loaded) throw new Error(`no Kinetic connection or no stream ${name}`);
  await deps.syncDb.tx(SYSTEM_SCOPE, (tx) => kineticRepo.ensureStreams(tx, STREAM_NAMES));
  const client = new KineticClient(loaded.settings, { now: () => deps.clock.now(), ...deps.client });
  return runStream(deps, def, client, loaded.conn);
}

/** One run of one stream (the job calls runDue). */
export async function runStream(
  deps: SyncDeps,
  def: StreamDef,
  client: KineticClient,
  conn: kineticRepo.Connection,
): Promise<RunResult> {
  const result: RunResult = { stream: def.name, outcome: 'ok', pages: 0, rows: 0, rejected: 0 };
  const source: RowSource = { name: SOURCE_NAME, suspendInactive: conn.suspendInactive };
  const pageSize = conn.pageSize;
  const runner = new PageRunner(deps, def, source, result);
  try {
    await runner.reapplyRejects();
    await runner.loadCursor();
    let cursor = runner.cursor;
    if (!cursor.phase) {
      // The highest SysRevID before anything is read: the incremental phase starts there, so what is
      // written during a long initial load is read again afterwards.
      let h0 = await maxRev(client, def);
      // A child stream starts where its parent's initial load started (SysRevID is database-wide), so a
      // line changed after the parent read it is never missed.
      if (def.parent) {
        const parentH0 = (await runner.cursorOf(def.parent.stream)).h0;
        if (parentH0 !== undefined) h0 = Math.min(h0, parentH0);
      }
      cursor = def.parent
        ? { phase: 'incremental', h0, rev: h0, read: h0, inRun: false, pending: null }
        : { phase: 'initial', h0, lastKey: 0, rev: h0, read: h0, inRun: false, pending: null };
      await runner.commit([], cursor, 0);
    }
    if (cursor.phase === 'initial') {
      const keyset = (c: Cursor) =>
        client.odataUrl(def.path, query(def, `${def.key} gt ${c.lastKey ?? 0}`, def.key, pageSize));
      const prepare = (rows: ODataRow[]) => runner.prepare(rows, client.settings.company, 'initial');
      let ahead = readAhead(client, keyset(cursor), prepare);
      for (;;) {
        const { page, prepared } = await ahead;
        if (page.value.length === 0) break;
        const last = Math.max(...page.value.map((r) => Number(r[def.key])));
        cursor = { ...cursor, lastKey: Math.max(cursor.lastKey ?? 0, last) };
        // The next page is read (and mapped and checked as it arrives) while this one is written: its URL
        // depends only on this page's rows.
        ahead = readAhead(client, followable(page.nextLink) ?? keyset(cursor), prepare);
        await runner.apply(client, page.value, cursor, prepared);
      }
      cursor = {
        phase: 'incremental',
        h0: cursor.h0 ?? 0,
        rev: cursor.h0 ?? 0,
        read: cursor.h0 ?? 0,
        inRun: false,
        pending: null,
      };
      await runner.commit([], cursor, 0);
    }
    // Incremental: promote a settled pending watermark, then read from the settled mark (or, after a crash
    // in the middle of a run, from where that run got to).
    const now = deps.clock.now();
    if (cursor.pending && now - cursor.pending.since >= conn.settleMs)
      cursor = { ...cursor, rev: Math.max(cursor.rev ?? 0, cursor.pending.rev), pending: null };
    let from = cursor.inRun ? (cursor.read ?? 0) : (cursor.rev ?? 0);
    const baq = runner.mode === 'baq';
    // BAQ mode: the GH_* BAQ filters by revision in the database and names the changed keys; the rows are
    // then read whole through the business object, by key.
    const since = (rev: number) =>
      baq
        ? client.odataUrl(`BaqSvc/${def.baq.id}/Data`, { SinceRev: String(rev), $top: String(Math.min(pageSize, 100)) })
        : client.odataUrl(def.path, query(def, `SysRevID gt ${rev}`, 'SysRevID', pageSize));
    const prepare = (rows: ODataRow[]) => runner.prepare(rows, client.settings.company, 'incremental');
    let ahead = readAhead(client, since(from), prepare);
    for (;;) {
      const { page, prepared } = await ahead;
      if (page.value.length === 0) break;
      const last = Math.max(...page.value.map((r) => Number((baq ? r.Calculated_GH_Rev : r.SysRevID) ?? 0)));
      from = Math.max(from, last);
      cursor = { ...cursor, read: Math.max(cursor.read ?? 0, last), inRun: true };
      ahead = readAhead(client, followable(page.nextLink) ?? since(from), prepare);
      await runner.apply(client, page.value, cursor, prepared);
    }
    const read = cursor.read ?? 0;
    cursor = {
      ...cursor,
      inRun: false,
      pending: cursor.pending ?? (read > (cursor.rev ?? 0) ? { rev: read, since: deps.clock.now() } : null),
    };
    await runner.commit([], cursor, 0, true);
  } catch (e) {
    result.outcome = 'failed';
    const kind = e instanceof KineticError ? e.kind : 'error';
    result.error = `${kind}: ${e instanceof Error ? e.message : String(e)}`;
    await deps.syncDb
      .tx(SYSTEM_SCOPE, (tx) =>
        kineticRepo.updateStream(tx, def.name, {
          lastRunAt: new Date(deps.clock.now()),
          lastError: result.error?.slice(0, 1000) ?? null,
          lastRunRows: result.rows,
        }),
      )
      .catch((err: unknown) => deps.log?.warn({ err }, 'kinetic: stream status not recorded'));
    if (e instanceof KineticError && e.kind === 'auth') await markAuthFailed(deps, e.message);
    deps.log?.warn({ stream: def.name, err: result.error }, 'kinetic stream run failed');
  }
  return result;
}

/**
 * A page requested now and awaited later: the next page is read while the current one is written, so
 * Kinetic's answer time and the database's overlap, and it is mapped and checked (`prepare`, no database)
 * as soon as it arrives, while that transaction waits on PostgreSQL. If the run fails first, the read is
 * dropped (its failure, handled here, is never reported: the run already failed, and its cursor says where to
 * resume).
 */
function readAhead(
  client: KineticClient,
  url: URL,
  prepare: (rows: ODataRow[]) => Prepared | null,
): Promise<{ page: ODataPage; prepared: Prepared | null }> {
  const ahead = client.page(url).then((page) => ({ page, prepared: prepare(page.value) }));
  ahead.catch(() => undefined);
  return ahead;
}

/**
 * The next link to follow, or null to continue by keyset. A server keyset link (`$skiptoken`) is followed;
 * an offset link (`$skip`) is not: rows changed between pages shift offsets, so it would skip a row. Its
 * presence only says the page was capped, and the keyset query from the last row read goes on safely.
 */
function followable(nextLink: string | null): URL | null {
  if (!nextLink) return null;
  const u = new URL(nextLink);
  return u.searchParams.has('$skip') ? null : u;
}

/** `$select`, `$filter`, `$orderby` and `$top` for a keyset page (and `$expand` for headers with lines). */
function query(def: StreamDef, cursorFilter: string, orderBy: string, top: number): Record<string, string> {
  const q: Record<string, string> = {
    $select: def.select.join(','),
    $filter: def.where ? `${cursorFilter} and ${def.where}` : cursorFilter,
    $orderby: orderBy,
    $top: String(top),
  };
  if (def.expand) q.$expand = def.expand.set;
  return q;
}

async function maxRev(client: KineticClient, def: StreamDef): Promise<number> {
  const page = await client.page(
    client.odataUrl(def.path, { $select: `${def.key},SysRevID`, $orderby: 'SysRevID desc', $top: '1' }),
  );
  return Number(page.value[0]?.SysRevID ?? 0);
}

/** JSON with sorted keys (jsonb does not keep key order), for comparing cursors. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

interface Mapped {
  key: string;
  row: Record<string, unknown>;
  rev: bigint;
}
/** A page's rows mapped to mirror-writer rows and checked by the writer's first half. */
interface Prepared {
  mapped: Mapped[];
  checked: Checked<unknown>[];
}

class PageRunner {
  cursor: Cursor = {};
  private pages = 0;
  constructor(
    private readonly deps: SyncDeps,
    private readonly def: StreamDef,
    private readonly source: RowSource,
    private readonly result: RunResult,
  ) {}

  mode: 'bo' | 'baq' = 'bo';

  async loadCursor() {
    const s = await this.deps.syncDb.read(SYSTEM_SCOPE, (tx) => kineticRepo.listStreams(tx));
    const row = s.find((x) => x.stream === this.def.name);
    if (!row) throw new Error(`stream ${this.def.name} has no row`);
    this.cursor = row.cursor;
    this.mode = row.mode;
  }

  async cursorOf(stream: string): Promise<Cursor> {
    const s = await this.deps.syncDb.read(SYSTEM_SCOPE, (tx) => kineticRepo.listStreams(tx));
    const row = s.find((x) => x.stream === stream);
    if (!row) throw new Error(`stream ${stream} has no row`);
    return row.cursor;
  }

  /** Rows of this stream refused earlier (an unknown party…): written again; those that apply leave the list. */
  async reapplyRejects() {
    const target = this.def.parent ? this.def.parent.stream : this.def.name;
    if (target !== this.def.name) return;
    await this.deps.syncDb.tx(SYSTEM_SCOPE, async (tx) => {
      const rejects = await kineticRepo.rejectsOf(tx, this.def.name, 1000);
      if (rejects.length === 0) return;
      await this.write(
        tx,
        rejects.map((r) => ({ key: r.erpKey, row: r.row, rev: r.rev })),
      );
    });
  }

  /**
   * A page mapped and checked without the database, when its rows map on their own; null for a child stream
   * or a BAQ page (their rows are read again whole, by key, in `apply`).
   */
  prepare(rows: ODataRow[], company: string, phase: 'initial' | 'incremental'): Prepared | null {
    if (this.def.parent || (this.mode === 'baq' && phase === 'incremental')) return null;
    const mapped = rows.map((r) => this.def.map?.(r, company)).filter((m): m is Mapped => Boolean(m));
    return { mapped, checked: this.check(mapped) };
  }

  /**
   * Maps one page of Kinetic rows (reading whole parents for a child stream), unless `prepare` did, and
   * commits it with `cursor`.
   */
  async apply(client: KineticClient, rows: ODataRow[], cursor: Cursor, prepared: Prepared | null = null) {
    if (prepared) return this.commit(prepared.mapped, cursor, rows.length, false, prepared.checked);
    let mapped: Mapped[];
    const parent = this.def.parent;
    // Read again whole, by key: the parents of changed lines, and in BAQ mode the rows the BAQ named.
    const byKey = parent || (this.mode === 'baq' && cursor.phase === 'incremental');
    if (byKey) {
      const pdef = parent ? (streamDef(parent.stream) as StreamDef) : this.def;
      const field = parent ? parent.field : this.def.key;
      const column = this.mode === 'baq' && cursor.phase === 'incremental' ? `${this.def.baq.table}_${field}` : field;
      const nums = [...new Set(rows.map((r) => Number(r[column])))];
      const heads: ODataRow[] = [];
      for (let i = 0; i < nums.length; i += 25) {
        const chunk = nums.slice(i, i + 25);
        const filter = chunk.map((n) => `${pdef.key} eq ${n}`).join(' or ');
        let url: URL | null = client.odataUrl(pdef.path, {
          $select: pdef.select.join(','),
          $filter: pdef.where ? `(${filter}) and ${pdef.where}` : filter,
          $orderby: pdef.key,
          $top: String(chunk.length),
          ...(pdef.expand ? { $expand: pdef.expand.set } : {}),
        });
        while (url) {
          const page = await client.page(url);
          heads.push(...page.value);
          url = page.nextLink ? new URL(page.nextLink) : null;
        }
      }
      mapped = heads.map((h) => pdef.map?.(h, client.settings.company)).filter((m): m is Mapped => Boolean(m));
    } else mapped = rows.map((r) => this.def.map?.(r, client.settings.company)).filter((m): m is Mapped => Boolean(m));
    await this.commit(mapped, cursor, rows.length);
  }

  /** One transaction: the rows, their rejects, the cursor (checked unchanged since loaded), one audit entry. */
  async commit(mapped: Mapped[], cursor: Cursor, read: number, finished = false, checked?: Checked<unknown>[]) {
    const n = ++this.pages;
    const now = new Date(this.deps.clock.now());
    await this.deps.syncDb.tx(SYSTEM_SCOPE, async (tx) => {
      const s = await kineticRepo.streamForUpdate(tx, this.def.name);
      if (!s) throw new Error(`stream ${this.def.name} has no row`);
      // Another run of this stream (another instance) moved the cursor: stop rather than interleave.
      if (canonical(s.cursor) !== canonical(this.cursor))
        throw new Error(`stream ${this.def.name} was advanced by another run`);
      const counts = mapped.length > 0 ? await this.write(tx, mapped, checked) : null;
      // Write-backs this page echoes (a PO's promised date as acknowledged) are confirmed with the page.
      const echoOf = (streamDef(this.def.parent?.stream ?? this.def.name) as StreamDef).echo;
      if (echoOf && mapped.length > 0)
        await kineticWritebackRepo.confirmEchoes(
          tx,
          mapped.map((m) => ({ key: m.key, value: echoOf(m.row) })),
          now,
        );
      if (read > 0) this.deps.onPage?.(n, 'inside');
      await kineticRepo.updateStream(tx, this.def.name, {
        cursor,
        lastRunAt: now,
        lastRunRows: this.result.rows + read,
        addRows: read,
        ...(finished ? { lastSuccessAt: now, lastError: null } : {}),
      });
      if (counts && counts.created + counts.updated + counts.rejected > 0)
        await recordAudit(tx, SYSTEM_ORIGIN, {
          action: 'kinetic.sync_page_applied',
          outcome: counts.rejected > 0 ? 'failure' : 'success',
          partyId: null,
          entityType: 'kinetic_stream',
          entityId: this.def.name,
          details: {
            stream: this.def.name,
            counts,
            cursor: { rev: cursor.rev, read: cursor.read, lastKey: cursor.lastKey },
          },
        });
      if (counts) this.result.rejected += counts.rejected;
    });
    this.cursor = cursor;
    if (read > 0) {
      this.result.pages += 1;
      this.result.rows += read;
      this.deps.onPage?.(n, 'after');
    }
  }

  /** The entity the mirror writer writes for this stream (a child stream's: its parent's). */
  private get entity() {
    return this.def.parent ? (streamDef(this.def.parent.stream) as StreamDef).entity : this.def.entity;
  }

  /** The mirror writer's first half (validation, no database). */
  private check(mapped: Mapped[]) {
    return check(
      this.entity,
      mapped.map((m) => m.row),
      new Date(this.deps.clock.now()),
    );
  }

  /** The mirror writer (check + writeRows, partial mode), then the reject list kept in step with it. */
  private async write(tx: Tx, mapped: Mapped[], checked = this.check(mapped)) {
    const entity = this.entity;
    const rejectStream = this.def.parent ? this.def.parent.stream : this.def.name;
    const now = new Date(this.deps.clock.now());
    const written = await writeRows(tx, entity, checked, { mode: 'partial', now, source: this.source });
    const applied: string[] = [];
    for (const r of written.results) {
      const m = mapped[r.index] as Mapped;
      if (r.outcome === 'rejected')
        await kineticRepo.upsertReject(tx, {
          stream: rejectStream,
          erpKey: m.key,
          reason: (r.errors ?? [])
            .map((e) => (e.path ? `${e.path}: ${e.message}` : e.message))
            .join('; ')
            .slice(0, 1000),
          row: m.row,
          rev: m.rev,
          at: now,
        });
      else applied.push(m.key);
    }
    await kineticRepo.deleteRejects(tx, rejectStream, applied);
    return written.counts;
  }
}

/** 401 after the one retry: the connection pauses, audited, with an alert to the system admins. */
export async function markAuthFailed(deps: SyncDeps, message: string) {
  const now = new Date(deps.clock.now());
  await deps.db.tx(SYSTEM_SCOPE, async (tx) => {
    const conn = await kineticRepo.getConnectionForUpdate(tx);
    if (!conn || conn.state === 'auth_failed') return;
    await kineticRepo.setConnectionState(tx, 'auth_failed', message.slice(0, 500), now);
    await recordAudit(tx, SYSTEM_ORIGIN, {
      action: 'kinetic.auth_failed',
      outcome: 'failure',
      partyId: null,
      entityType: 'kinetic_connection',
      entityId: conn.id,
      details: { baseUrl: conn.baseUrl, company: conn.company, reason: message.slice(0, 500) },
    });
    await raiseAlert(tx, now, {
      rule: 'kinetic-auth-failed',
      severity: 'critical',
      mail: { key: 'alert.kinetic_auth' },
      text: { key: 'kinetic-auth-failed', values: {} },
      details: { baseUrl: conn.baseUrl, company: conn.company, reason: message.slice(0, 300) },
    });
  });
}

/**
 * Nightly (and on demand): a key-only scan of every document set finds what was deleted in Kinetic. Such
 * documents are marked cancelled, never deleted, so their audit trail stays. Shipments are left alone (the
 * portal has no cancelled shipment state).
 */
export async function reconcile(deps: SyncDeps): Promise<{ checked: number; missing: string[] }> {
  const loaded = await loadConnection(deps.syncDb, deps.config.secret);
  if (!loaded || loaded.conn.state === 'auth_failed') return { checked: 0, missing: [] };
  const client = new KineticClient(loaded.settings, { now: () => deps.clock.now(), ...deps.client });
  const co = loaded.settings.company;
  const missing: string[] = [];
  let checked = 0;
  const kinds: Record<string, string> = { orders: 'SO', invoices: 'AR', purchase_orders: 'PO' };
  for (const def of STREAMS) {
    if (!def.table) continue;
    const kind = kinds[def.table] as string;
    const present = new Set<string>();
    let last = 0;
    for (;;) {
      const filter = `${def.key} gt ${last}`;
      const page = await client.page(
        client.odataUrl(def.path, {
          $select: `Company,${def.key}`,
          $filter: def.where ? `${filter} and ${def.where}` : filter,
          $orderby: def.key,
          $top: String(loaded.conn.pageSize),
        }),
      );
      if (page.value.length === 0) break;
      for (const r of page.value) present.add(erpKey(co, kind, r[def.key]));
      last = Math.max(...page.value.map((r) => Number(r[def.key])));
    }
    checked += present.size;
    const table = def.table;
    await deps.syncDb.tx(SYSTEM_SCOPE, async (tx) => {
      const live = await kineticRepo.liveKeys(tx, table, `kinetic:${co}:${kind}:`);
      const gone = live.filter((k) => !present.has(k));
      const marked = await kineticRepo.markMissing(tx, table, gone, new Date(deps.clock.now()));
      for (const m of marked) {
        missing.push(m.erpKey);
        await recordAudit(tx, SYSTEM_ORIGIN, {
          action: 'kinetic.reconciled',
          outcome: 'success',
          partyId: m.partyId,
          entityType: table,
          entityId: m.id,
          details: { erpKey: m.erpKey, number: m.number, change: 'missing in Kinetic: marked cancelled' },
        });
      }
    });
  }
  return { checked, missing };
}
