import { type Database, partiesRepo, setupRepo, usersRepo } from '@gatehouse/db';
import { byUser, record as recordAudit } from '../audit/audit.ts';
import { DomainError } from '../errors.ts';
import { SYSTEM_SCOPE } from '../parties/scope.ts';
import { hashPassword } from './password.ts';
import { newPasswordProblem, passwordRefused } from './password-policy.ts';
import { hashSecret, randomToken } from './tokens.ts';

const SETUP_LINK_TTL_MS = 24 * 3_600_000;

/**
 * No default credentials: while no system admin exists, each start prints a fresh one-time link
 * (only its hash is stored; older links stop working). Returns the link, or null when setup is done.
 */
export async function setupLinkIfNeeded(db: Database, publicOrigin: string): Promise<string | null> {
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    if ((await usersRepo.countWithRole(tx, 'system-admin')) > 0) return null;
    const token = randomToken(24);
    await setupRepo.insertToken(tx, hashSecret(token), new Date(Date.now() + SETUP_LINK_TTL_MS));
    return `${publicOrigin}/setup#token=${token}`;
  });
}

export interface FirstAdmin {
  email: string;
  displayName: string;
  organisationName: string;
  password: string;
}

/** Creates the internal organisation and its first system admin, in one transaction with its audit entry. */
export async function createFirstAdmin(
  db: Database,
  input: FirstAdmin,
  how: { token: string } | { cli: true },
  meta: { requestId?: string; ip?: string; userAgent?: string } = {},
  passwordMinLength = 12,
) {
  const problem = await newPasswordProblem(
    input.password,
    { email: input.email, name: input.displayName, company: input.organisationName },
    passwordMinLength,
  );
  if (problem) throw passwordRefused(problem);
  const passwordHash = await hashPassword(input.password);
  return db.tx(SYSTEM_SCOPE, async (tx) => {
    if ('token' in how) {
      if (!(await setupRepo.consume(tx, hashSecret(how.token)))) {
        throw new DomainError('FORBIDDEN', { key: 'staff.setupLinkSpent', values: {} });
      }
    }
    if ((await usersRepo.countWithRole(tx, 'system-admin')) > 0) {
      throw new DomainError('CONFLICT', { key: 'staff.setupAdminExists', values: {} });
    }
    const party = await partiesRepo.create(tx, { kind: 'internal', name: input.organisationName });
    const user = await usersRepo
      .create(tx, {
        partyId: party.id,
        email: input.email,
        displayName: input.displayName,
        passwordHash,
        status: 'active',
      })
      .catch((e: { code?: string }) => {
        if (e.code === '23505') throw new DomainError('CONFLICT', { key: 'staff.setupEmailInUse', values: {} });
        throw e;
      });
    await usersRepo.grantRoles(tx, user.id, party.id, ['system-admin']);
    await recordAudit(tx, byUser(null, user.id), {
      action: 'setup.completed',
      outcome: 'success',
      partyId: party.id,
      entityType: 'user',
      entityId: user.id,
      details: { via: 'token' in how ? 'setup-link' : 'cli', email: input.email },
      ...meta,
    });
    return { partyId: party.id, userId: user.id };
  });
}
