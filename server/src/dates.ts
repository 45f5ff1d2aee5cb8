import type { Clock } from './auth/sessions.ts';

/** The server's calendar day (UTC), YYYY-MM-DD: due dates, expiry dates and ageing are all counted from it. */
export const today = (ctx: { clock: Clock }) => new Date(ctx.clock.now()).toISOString().slice(0, 10);

/** `day` plus `n` calendar days (n may be negative). */
export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
