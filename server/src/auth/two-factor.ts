import { getRandomValues } from 'node:crypto';
import { mfaRepo } from '@gatehouse/db';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import * as audit from '../audit/audit.ts';
import type { Context, ServiceContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { totpSealKey } from '../keys.ts';
import { ownScope } from '../parties/scope.ts';
import { confirmPassword } from './reauth.ts';
import { seal, unseal } from './seal.ts';
import { rotateSession } from './session-issue.ts';
import { hashSecret, mintSplitToken, randomToken } from './tokens.ts';
import { matchingStep, totpUri } from './totp.ts';

const RECOVERY_CODES = 10;

export async function status(ctx: ServiceContext) {
  const { actor } = ctx;
  return ctx.db.read(ownScope(actor), async (tx) => {
    const totp = await mfaRepo.getTotp(tx, actor.userId);
    return {
      totp: Boolean(totp?.confirmedAt),
      pending: Boolean(totp && !totp.confirmedAt),
      recoveryCodesLeft: await mfaRepo.recoveryCodesLeft(tx, actor.userId),
    };
  });
}

/** Starts enrolment: a fresh secret, sealed at rest, shown once (as text and as an otpauth URI for the QR). */
export async function beginTotp(ctx: ServiceContext, password: string) {
  const { actor } = ctx;
  await confirmPassword(ctx, password);
  const key = getRandomValues(new Uint8Array(20));
  const stored = await ctx.db.tx(ownScope(actor), async (tx) => {
    const ok = await mfaRepo.putPendingTotp(tx, actor.userId, actor.partyId, seal(totpSealKey(ctx.config.secret), key));
    if (ok) {
      await audit.record(tx, ctx, {
        action: 'mfa.totp_enrolment_started',
        outcome: 'success',
        partyId: actor.partyId,
        entityType: 'user',
        entityId: actor.userId,
      });
    }
    return ok;
  });
  if (!stored) throw new DomainError('CONFLICT', { key: 'auth.totpAlreadyOn' });
  return { secret: encodeBase32UpperCaseNoPadding(key), uri: totpUri(actor.email, key) };
}

function newRecoveryCodes() {
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const c = randomToken(7).slice(0, 10); // 50 bits, base32
    return `${c.slice(0, 5)}-${c.slice(5)}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}
const hashRecoveryCode = (code: string) => hashSecret(code.toLowerCase().replace(/[^a-z2-7]/g, ''));

/** Turns TOTP on once the user proves the app produces codes; returns the recovery codes, once. */
export async function confirmTotp(ctx: ServiceContext, code: string) {
  const { actor } = ctx;
  const { codes, hashes } = newRecoveryCodes();
  const setCookie = await ctx.db.tx(ownScope(actor), async (tx) => {
    const totp = await mfaRepo.getTotp(tx, actor.userId);
    if (!totp || totp.confirmedAt) throw new DomainError('CONFLICT', { key: 'auth.totpStartFirst' });
    const step = matchingStep(unseal(totpSealKey(ctx.config.secret), totp.secretSealed), code, ctx.clock.now());
    if (step === null || !(await mfaRepo.spendStep(tx, actor.userId, step, true))) {
      throw new DomainError('BAD_REQUEST', { key: 'auth.totpCodeWrong' });
    }
    await mfaRepo.replaceRecoveryCodes(tx, actor.userId, actor.partyId, hashes);
    await audit.record(tx, ctx, {
      action: 'mfa.totp_enabled',
      outcome: 'success',
      partyId: actor.partyId,
      entityType: 'user',
      entityId: actor.userId,
    });
    // A privilege change (the session now counts as two-factor): the session id rotates.
    return rotateSession(ctx, tx);
  });
  setCookie();
  return { recoveryCodes: codes };
}

export async function regenerateRecoveryCodes(ctx: ServiceContext, password: string) {
  const { actor } = ctx;
  await confirmPassword(ctx, password);
  const { codes, hashes } = newRecoveryCodes();
  await ctx.db.tx(ownScope(actor), async (tx) => {
    if (!(await mfaRepo.getTotp(tx, actor.userId))?.confirmedAt) {
      throw new DomainError('CONFLICT', { key: 'auth.totpTurnOnFirst' });
    }
    await mfaRepo.replaceRecoveryCodes(tx, actor.userId, actor.partyId, hashes);
    await audit.record(tx, ctx, {
      action: 'mfa.recovery_codes_regenerated',
      outcome: 'success',
      partyId: actor.partyId,
    });
  });
  return { recoveryCodes: codes };
}

export const CHALLENGE_TTL_MS = 5 * 60_000;

/** After a correct password for a 2FA user: a challenge instead of a session. */
export async function issueChallenge(ctx: Context, user: { id: string; partyId: string }) {
  const { id, token, secretHash } = mintSplitToken();
  await ctx.db.tx({ kind: 'party', partyId: user.partyId }, (tx) =>
    mfaRepo.insertChallenge(tx, {
      id,
      partyId: user.partyId,
      userId: user.id,
      secretHash,
      expiresAt: new Date(ctx.clock.now() + CHALLENGE_TTL_MS),
    }),
  );
  return token;
}

export { hashRecoveryCode };
