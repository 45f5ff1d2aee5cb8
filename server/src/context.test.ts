import type { Permission } from '@gatehouse/contract';
import { describe, expect, it } from 'vitest';
import * as audit from './audit/audit.ts';
import type { Actor } from './auth/sessions.ts';
import { type AppServices, type RequestMeta, serviceContext, systemContext } from './context.ts';
import { DomainError } from './errors.ts';

// The narrowing touches no service, so empty stand-ins are enough (no database is reached).
const app = {} as AppServices;
const req: RequestMeta = {
  requestId: 'r-1',
  ip: '127.0.0.1',
  userAgent: 'test',
  sessionToken: undefined,
  setCookie: () => undefined,
  setHeader: () => undefined,
};
const actor = (partyKind: Actor['partyKind'], permissions: Permission[]) =>
  ({ userId: 'u-1', partyId: 'p-1', partyKind, permissions: new Set(permissions) }) as unknown as Actor;

describe('serviceContext', () => {
  it('refuses a request without an actor: no verb runs unauthenticated', () => {
    expect(() => serviceContext({ ...app, req }, null)).toThrow(DomainError);
    try {
      serviceContext({ ...app, req }, null);
    } catch (e) {
      expect((e as DomainError).code).toBe('UNAUTHORIZED');
    }
  });

  it("derives the scope from the actor: a customer's own party, all parties only for staff holding parties:cross", () => {
    expect(serviceContext({ ...app, req }, actor('customer', ['orders:read', 'parties:cross'])).scope).toEqual({
      kind: 'party',
      partyId: 'p-1',
    });
    expect(serviceContext({ ...app, req }, actor('internal', ['orders:read'])).scope).toEqual({
      kind: 'party',
      partyId: 'p-1',
    });
    expect(serviceContext({ ...app, req }, actor('internal', ['parties:cross'])).scope).toEqual({
      kind: 'all',
      reason: 'staff',
    });
  });

  it('a job gets no actor, no request and the system scope', () => {
    const sys = systemContext(app);
    expect(sys.actor).toBeNull();
    expect(sys.req).toBeNull();
    expect(sys.scope).toEqual({ kind: 'all', reason: 'system' });
  });
});

describe('audit origins', () => {
  it('byUser names the user and the request; SYSTEM names neither', () => {
    expect(audit.byUser(req, 'u-2')).toEqual({ req, actor: { userId: 'u-2' } });
    expect(audit.byUser(null, null)).toEqual({ req: null, actor: null });
    expect(audit.SYSTEM).toEqual({ req: null, actor: null });
  });
});
