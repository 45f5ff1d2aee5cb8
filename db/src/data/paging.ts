import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Keyset paging on (sort key, id): page 1,000 costs what page 1 does, and rows inserted meanwhile never
 * shift a page. The sort key is a date or a bigint (an amount), either direction. The cursor is opaque to
 * clients: base64url of "column:direction|key|id", so a cursor names the sort it was made under and one
 * from another sort or another list is a BadCursor (400), never a silently wrong page.
 */
export class BadCursor extends Error {}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cursor parts are checked here, so a forged one is a BadCursor (400), never a PostgreSQL cast error (500). */
export const isUuid = (s: string) => UUID.test(s);
const BIGINT_MAX = 9_223_372_036_854_775_807n;
export const isBigintId = (s: string) => /^\d{1,19}$/.test(s) && BigInt(s) <= BIGINT_MAX;

/**
 * One sort order of a list: its key column (a date or a bigint), the id as tie-breaker, and the direction
 * (both columns the same way, so a row comparison and one index, scanned either way, serve it).
 */
export interface Keyset {
  key: PgColumn;
  /**
   * 'date': YYYY-MM-DD; 'bigint': an integer amount; 'time': a timestamptz, carried in the cursor to the
   * millisecond, so a 'time' key must be written from a JS Date (as the services do), not by now().
   */
  kind: 'date' | 'time' | 'bigint';
  id: PgColumn;
  dir: 'asc' | 'desc';
  /**
   * How the index that serves this keyset declares (key, id): 'desc' for Drizzle's `.desc()` (which
   * writes `DESC NULLS LAST`), 'asc' for a plain one (`ASC`, nulls last). The ORDER BY must name the
   * nulls placement the index has in the direction it is scanned, or PostgreSQL cannot walk it and
   * reads and sorts the party's every row instead (see orderOf).
   */
  index: 'asc' | 'desc';
}

/** The common one: newest first by a date column, served by a `(party_id, key DESC, id DESC)` index. */
export const newestFirst = (key: PgColumn, id: PgColumn): Keyset => ({
  key,
  kind: 'date',
  id,
  dir: 'desc',
  index: 'desc',
});

const BIGINT_MIN = -9_223_372_036_854_775_808n;
const isBigint = (s: string) => /^-?\d{1,19}$/.test(s) && BigInt(s) >= BIGINT_MIN && BigInt(s) <= BIGINT_MAX;
/** 'YYYY-MM-DD' naming a real day (not 2024-02-30) that PostgreSQL's date takes (year 1 on). */
function isCalendarDate(s: string): boolean {
  if (!DATE.test(s) || s.startsWith('0000')) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const tagOf = (k: Keyset) => `${k.key.name}:${k.dir}`;

/**
 * ORDER BY for a keyset: key then id, both in its direction, with the nulls placement its index has when
 * scanned that way. A `DESC NULLS LAST` index read forwards gives `DESC NULLS LAST`, read backwards
 * `ASC NULLS FIRST`; an `ASC` (nulls last) one gives `ASC NULLS LAST` or `DESC NULLS FIRST`. Plain `DESC`
 * means `DESC NULLS FIRST`, which no `.desc()` index serves: PostgreSQL then sorts every row of the party
 * (16.7 ms instead of 0.36 ms for 30,000 orders), even though the columns are NOT NULL
 * (test/list-plans.test.ts holds every keyset list to an index scan without a sort).
 */
export function orderOf(k: Keyset): SQL[] {
  const dir = sql.raw(k.dir === 'desc' ? 'desc' : 'asc');
  const nulls = sql.raw(k.dir === k.index ? 'nulls last' : 'nulls first');
  return [sql`${k.key} ${dir} ${nulls}`, sql`${k.id} ${dir} ${nulls}`];
}

/** The predicate "after this cursor", or undefined for the first page; throws BadCursor for a forged one. */
export function afterCursor(cursor: string | undefined, k: Keyset): SQL | undefined {
  if (!cursor) return undefined;
  const [tag, v, i, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (tag !== tagOf(k) || !v || !i || rest.length > 0 || !UUID.test(i)) throw new BadCursor();
  const op = k.dir === 'desc' ? sql.raw('<') : sql.raw('>');
  if (k.kind === 'date') {
    if (!isCalendarDate(v)) throw new BadCursor();
    return sql`(${k.key}, ${k.id}) ${op} (${v}::date, ${i}::uuid)`;
  }
  if (k.kind === 'time') {
    if (!ISO_TIME.test(v) || Number.isNaN(Date.parse(v))) throw new BadCursor();
    return sql`(${k.key}, ${k.id}) ${op} (${v}::timestamptz, ${i}::uuid)`;
  }
  if (!isBigint(v)) throw new BadCursor();
  return sql`(${k.key}, ${k.id}) ${op} (${v}::bigint, ${i}::uuid)`;
}

/**
 * Cuts the extra row a query fetched (limit + 1) and makes the next page's cursor from the last row's
 * sort key (a 'YYYY-MM-DD' date or a bigint) and id.
 */
export function page<T>(
  rows: T[],
  limit: number,
  k: Keyset,
  key: (row: T) => [key: string | bigint | Date, id: string],
) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  if (!more || !last) return { items, nextCursor: null };
  const [v, id] = key(last);
  const value = v instanceof Date ? v.toISOString() : v;
  return { items, nextCursor: Buffer.from(`${tagOf(k)}|${value}|${id}`).toString('base64url') };
}
