import { describe, expect, it } from 'vitest';
import { client, codeOf, createPartyWithUser, errorOf, signedInMe, useTestServer } from './support/harness.ts';

/**
 * Segregation of duties for internal roles, on a fresh install (no demo data): the first system admin,
 * made through the setup link, assigns approver, auditor and operator to others without holding those
 * roles itself, never to itself; granting system-admin raises the alert and marks the audit entry; the
 * last internal administrator stays.
 */
const t = useTestServer();
type Api = ReturnType<typeof client>;

const first = {
  email: 'first.admin@fresh.example',
  displayName: 'First Admin',
  organisationName: 'Northwind Manufacturing',
  password: 'correct horse battery staple',
};
let admin: Api;
let adminId: string;
let internalPartyId: string;

async function invitationToken(to: string): Promise<string> {
  const [mail] = await t.owner`select body_text from mail_outbox where to_address = ${to} and kind = 'invitation'
                               order by created_at desc limit 1`;
  const token = /accept-invitation#token=(\S+)/.exec(String(mail?.body_text))?.[1];
  if (!token) throw new Error(`no invitation mailed to ${to}`);
  return token;
}

/** Invites `email` as `role` through users.invite and accepts it; returns the new user's signed-in client. */
async function inviteAndAccept(by: Api, email: string, role: string) {
  const { userId } = await by.users.invite.mutate({ email, displayName: `New ${role}`, roles: [role] });
  const c = client(t.srv.origin);
  const me = signedInMe(
    await c.auth.acceptInvitation.mutate({ token: await invitationToken(email), password: 'quiet harbour lantern 58' }),
  );
  return { c, me, userId };
}

describe('a fresh install staffs every internal role', () => {
  it('the first system admin invites an approver, an auditor and an operator, who accept', async () => {
    expect(t.srv.setupLink).toBeTruthy();
    const [{ n }] = (await t.owner`select count(*)::int n from users`) as unknown as [{ n: number }];
    expect(n).toBe(0);
    const token = (t.srv.setupLink as string).split('token=')[1] as string;
    admin = client(t.srv.origin);
    await admin.setup.complete.mutate({ ...first, token });
    const me = signedInMe(await admin.auth.login.mutate({ email: first.email, password: first.password }));
    expect(me.roles).toEqual(['system-admin']);
    adminId = me.user.id;
    internalPartyId = me.party.id;

    // It holds none of these roles' work itself...
    expect(me.permissions).not.toContain('approvals:decide');
    expect(me.permissions).not.toContain('audit:export');
    expect(me.permissions).not.toContain('documents:review');
    // ...and yet may assign every internal role.
    const grantable = (await admin.users.grantableRoles.query({})).map((r) => r.key).sort();
    expect(grantable).toEqual(['approver', 'auditor', 'operator', 'system-admin']);

    for (const role of ['approver', 'auditor', 'operator']) {
      const { me: invited } = await inviteAndAccept(admin, `${role}@fresh.example`, role);
      expect(invited.roles).toEqual([role]);
      expect(invited.party.id).toBe(internalPartyId);
    }
    const approver = client(t.srv.origin);
    await approver.auth.login.mutate({ email: 'approver@fresh.example', password: 'quiet harbour lantern 58' });
    expect(await codeOf(approver.approvals.list.query({}))).toBe('OK');
  });

  it('users.setRoles: a system admin changes another internal user’s roles, never its own', async () => {
    const { userId } = await inviteAndAccept(admin, 'second.approver@fresh.example', 'approver');
    await admin.users.setRoles.mutate({ userId, roles: ['approver', 'auditor'] });
    expect((await admin.users.get.query({ userId })).roles).toEqual(['approver', 'auditor']);
    await admin.users.setRoles.mutate({ userId, roles: ['operator'] });
    expect((await admin.users.get.query({ userId })).roles).toEqual(['operator']);
    // Never to itself: not approver beside system-admin, not anything.
    const self = await errorOf(admin.users.setRoles.mutate({ userId: adminId, roles: ['system-admin', 'approver'] }));
    expect(self).toMatchObject({ code: 'FORBIDDEN', message: 'You cannot do this to your own account.' });
    // An operator (users:manage, but no roles:manage) assigns no internal role, not even its own.
    const op = client(t.srv.origin);
    await op.auth.login.mutate({ email: 'operator@fresh.example', password: 'quiet harbour lantern 58' });
    const refused = await errorOf(
      op.users.invite.mutate({ email: 'sneaky@fresh.example', displayName: 'S', roles: ['operator'] }),
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.message).toMatch(/Only a system admin/);
    expect(await codeOf(op.users.setRoles.mutate({ userId, roles: ['operator', 'approver'] }))).toBe('FORBIDDEN');
  });

  it('granting system-admin raises the alert and marks the audit entry, by invitation and by setRoles', async () => {
    const { userId: invitedId } = await admin.users.invite.mutate({
      email: 'second.admin@fresh.example',
      displayName: 'Second Admin',
      roles: ['system-admin'],
    });
    const { userId } = await inviteAndAccept(admin, 'promoted@fresh.example', 'auditor');
    await admin.users.setRoles.mutate({ userId, roles: ['auditor', 'system-admin'] });
    const alerts =
      await t.owner`select id::text, title, details from alerts where rule = 'new-system-admin' order by id`;
    expect(alerts.map((a) => a.details.user)).toEqual(['second.admin@fresh.example', 'promoted@fresh.example']);
    const [invited] = await t.owner`select details from audit_events
                                    where action = 'invitation.created' and entity_id = ${invitedId}`;
    expect(invited?.details.systemAdminGranted).toEqual({ roles: ['system-admin'], alertId: alerts[0]?.id });
    const [changed] = await t.owner`select details from audit_events
                                    where action = 'user.roles_changed' and entity_id = ${userId}`;
    expect(changed?.details).toMatchObject({
      before: ['auditor'],
      after: ['auditor', 'system-admin'],
      systemAdminGranted: { roles: ['system-admin'], alertId: alerts[1]?.id },
    });
    // An ordinary grant carries no mark.
    const [plain] = await t.owner`select details from audit_events
                                  where action = 'invitation.created' and details->'roles' = '["approver"]'::jsonb limit 1`;
    expect(plain?.details.systemAdminGranted).toBeUndefined();
  });

  it('the rest holds: the last admin of a customer stays, whoever asks', async () => {
    const customer = await createPartyWithUser(t.srv.db, 'customer', ['customer-admin']);
    const last = await errorOf(admin.users.setRoles.mutate({ userId: customer.userId, roles: ['customer-user'] }));
    expect(last).toMatchObject({ code: 'CONFLICT' });
    expect(last.message).toMatch(/last administrator/);
    // ...and an internal role never lands on a customer user.
    expect(await codeOf(admin.users.setRoles.mutate({ userId: customer.userId, roles: ['approver'] }))).toBe(
      'FORBIDDEN',
    );
  });
});
