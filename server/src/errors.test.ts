import { DatabaseUnavailable } from '@gatehouse/db';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, toTRPCError } from './errors.ts';

/** A driver error as postgres.js makes it: an Error with a string code. */
const driverError = (code: string) => Object.assign(new Error(`write ${code} 127.0.0.1:5432`), { code });

describe('database errors', () => {
  it('a connection error wrapped as a cause (throttle store, Drizzle) is a 503, not a 500', () => {
    for (const code of ['ECONNREFUSED', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', '57P01']) {
      const wrapped = new Error('Failed query: insert into "auth_throttle" ...', {
        cause: new Error('store failed', { cause: driverError(code) }),
      });
      expect(isDatabaseUnavailable(wrapped)).toBe(true);
      expect(toTRPCError(wrapped).code).toBe('SERVICE_UNAVAILABLE');
    }
  });

  it('no connection within the deadline is a 503', () => {
    expect(toTRPCError(new DatabaseUnavailable('no database connection within 5000 ms')).code).toBe(
      'SERVICE_UNAVAILABLE',
    );
  });

  it('other errors stay 500, and a cause that loops ends the walk', () => {
    const loop = new Error('a') as Error & { cause?: unknown };
    loop.cause = loop;
    expect(isDatabaseUnavailable(loop)).toBe(false);
    expect(toTRPCError(new Error('x', { cause: driverError('22P02') })).code).toBe('INTERNAL_SERVER_ERROR');
  });
});
