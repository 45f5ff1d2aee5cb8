import {
  acceptInvitationInput,
  beginTotpOutput,
  changePasswordInput,
  confirmTotpInput,
  invitationInfoOutput,
  invitationTokenInput,
  loginInput,
  loginOutput,
  meOutput,
  passwordConfirmInput,
  passwordResetInfoInput,
  passwordResetInfoOutput,
  preferencesInput,
  reauthenticateOutput,
  recoveryCodesOutput,
  requestPasswordResetInput,
  resetPasswordInput,
  sessionsListOutput,
  sessionsRevokeInput,
  twoFactorStatusOutput,
  verifySecondFactorInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import { currentActor } from '../auth/guard.ts';
import * as reset from '../auth/password-reset.ts';
import { confirmPassword } from '../auth/reauth.ts';
import { reauthenticated } from '../auth/session-issue.ts';
import * as auth from '../auth/sign-in.ts';
import * as twoFactor from '../auth/two-factor.ts';
import { explicitlyPublic, router, signedInProcedure } from '../trpc.ts';
import * as invitations from '../users/invitations.ts';

export const authRouter = router({
  login: explicitlyPublic
    .meta({ audit: 'auth.login_succeeded' })
    .input(loginInput)
    .output(loginOutput)
    .mutation(({ ctx, input }) => auth.login(ctx, input)),
  verifySecondFactor: explicitlyPublic
    .meta({ audit: 'auth.second_factor_succeeded' })
    .input(verifySecondFactorInput)
    .output(loginOutput)
    .mutation(({ ctx, input }) => auth.verifySecondFactor(ctx, input)),
  logout: signedInProcedure
    .meta({ audit: 'auth.logged_out' })
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx }) => {
      await auth.logout(ctx);
      return { ok: true as const };
    }),
  me: signedInProcedure.output(meOutput).query(({ ctx }) => auth.toMe(ctx.actor, ctx.clock.now())),
  /**
   * Who am I, if anyone: the SPA asks this at start on every page, public ones included, so a signed-out
   * visitor gets `null` rather than a 401 (auth.me stays the signed-in-only question).
   */
  session: explicitlyPublic.output(meOutput.nullable()).query(async ({ ctx }) => {
    const actor = await currentActor(ctx, 'auth.session');
    return actor ? auth.toMe(actor, ctx.clock.now()) : null;
  }),
  changePassword: signedInProcedure
    .meta({ audit: 'auth.password_changed' })
    .input(changePasswordInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => auth.changePassword(ctx, input)),
  /** The caller's own language and time zone (no permission: every user sets their own). */
  setPreferences: signedInProcedure
    .meta({ audit: 'user.preferences_changed' })
    .input(preferencesInput)
    .output(meOutput)
    .mutation(({ ctx, input }) => auth.setPreferences(ctx, input)),
  /** Proves the password again: sensitive actions are allowed for the next 10 minutes; the id rotates. */
  reauthenticate: signedInProcedure
    .meta({ audit: 'auth.reauthenticated' })
    .input(passwordConfirmInput)
    .output(reauthenticateOutput)
    .mutation(async ({ ctx, input }) => {
      await confirmPassword(ctx, input.password);
      return reauthenticated(ctx);
    }),
  invitationInfo: explicitlyPublic
    .input(invitationTokenInput)
    .output(invitationInfoOutput)
    .query(({ ctx, input }) => invitations.invitationInfo(ctx, input)),
  acceptInvitation: explicitlyPublic
    .meta({ audit: 'invitation.accepted' })
    .input(acceptInvitationInput)
    .output(loginOutput)
    .mutation(({ ctx, input }) => invitations.acceptInvitation(ctx, input)),
  twoFactor: router({
    status: signedInProcedure.output(twoFactorStatusOutput).query(({ ctx }) => twoFactor.status(ctx)),
    beginTotp: signedInProcedure
      .meta({ audit: 'mfa.totp_enrolment_started' })
      .input(passwordConfirmInput)
      .output(beginTotpOutput)
      .mutation(({ ctx, input }) => twoFactor.beginTotp(ctx, input.password)),
    confirmTotp: signedInProcedure
      .meta({ audit: 'mfa.totp_enabled' })
      .input(confirmTotpInput)
      .output(recoveryCodesOutput)
      .mutation(({ ctx, input }) => twoFactor.confirmTotp(ctx, input.code)),
    regenerateRecoveryCodes: signedInProcedure
      .meta({ audit: 'mfa.recovery_codes_regenerated' })
      .input(passwordConfirmInput)
      .output(recoveryCodesOutput)
      .mutation(({ ctx, input }) => twoFactor.regenerateRecoveryCodes(ctx, input.password)),
  }),
  requestPasswordReset: explicitlyPublic
    .meta({ audit: 'auth.password_reset_requested' })
    .input(requestPasswordResetInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => reset.requestPasswordReset(ctx, input)),
  /** Is a reset link still good? Asked as the page opens; only valid or not, throttled per IP. */
  passwordResetInfo: explicitlyPublic
    .input(passwordResetInfoInput)
    .output(passwordResetInfoOutput)
    .query(({ ctx, input }) => reset.passwordResetInfo(ctx, input)),
  resetPassword: explicitlyPublic
    .meta({ audit: 'auth.password_reset' })
    .input(resetPasswordInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => reset.resetPassword(ctx, input)),
  sessions: router({
    list: signedInProcedure.output(sessionsListOutput).query(({ ctx }) => auth.listSessions(ctx)),
    revoke: signedInProcedure
      .meta({ audit: 'session.revoked' })
      .input(sessionsRevokeInput)
      .output(z.object({ ended: z.number().int() }))
      .mutation(({ ctx, input }) => auth.revokeSessions(ctx, input)),
  }),
});
