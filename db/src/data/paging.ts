import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Keyset paging on (date, id), newest first: page 1,000 costs what page 1 does, and rows inserted
 * meanwhile never shift a page. The cursor is opaque to clients (base64url of "date|id").
 */
export class BadCursor extends Error {}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cursor parts are checked here, so a forged one is a BadCursor (400), never a PostgreSQL cast error (500). */
export const isUuid = (s: string) => UUID.test(s);
const BIGINT_MAX = 9_223_372_036_854_775_807n;
export const isBigintId = (s: string) => /^\d{1,19}$/.test(s) && BigInt(s) <= BIGINT_MAX;

/** The predicate "after this cursor", or undefined for the first page; throws BadCursor for a forged one. */
export function afterCursor(cursor: string | undefined, date: PgColumn, id: PgColumn): SQL | undefined {
  if (!cursor) return undefined;
  const [d, i, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!d || !i || rest.length > 0 || !DATE.test(d) || !UUID.test(i)) throw new BadCursor();
  return sql`(${date}, ${id}) < (${d}::date, ${i}::uuid)`;
}

/** Cuts the extra row a query fetched (limit + 1) and makes the next page's cursor from the last row. */
export function page<T>(rows: T[], limit: number, key: (row: T) => [date: string, id: string]) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last ? Buffer.from(key(last).join('|')).toString('base64url') : null };
}
