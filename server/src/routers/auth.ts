import {
  changePasswordInput,
  loginInput,
  loginOutput,
  meOutput,
  sessionsListOutput,
  sessionsRevokeInput,
  setupInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as auth from '../services/auth.ts';
import { requestFields } from '../services/scope.ts';
import { createFirstAdmin } from '../services/setup.ts';
import { explicitlyPublic, router, signedInProcedure } from '../trpc.ts';

export const authRouter = router({
  login: explicitlyPublic
    .input(loginInput)
    .output(loginOutput)
    .mutation(async ({ ctx, input }) => ({ status: 'signed-in' as const, me: await auth.login(ctx, input) })),
  logout: signedInProcedure.output(z.object({ ok: z.literal(true) })).mutation(async ({ ctx }) => {
    await auth.logout(ctx, ctx.actor);
    return { ok: true as const };
  }),
  me: signedInProcedure.output(meOutput).query(({ ctx }) => auth.toMe(ctx.actor)),
  changePassword: signedInProcedure
    .input(changePasswordInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => auth.changePassword(ctx, ctx.actor, input)),
  sessions: router({
    list: signedInProcedure.output(sessionsListOutput).query(({ ctx }) => auth.listSessions(ctx, ctx.actor)),
    revoke: signedInProcedure
      .input(sessionsRevokeInput)
      .output(z.object({ ended: z.number().int() }))
      .mutation(({ ctx, input }) => auth.revokeSessions(ctx, ctx.actor, input)),
  }),
});

export const setupRouter = router({
  /** Completes first-run setup from the one-time link printed at start. */
  complete: explicitlyPublic
    .input(setupInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const { token, ...admin } = input;
      await createFirstAdmin(ctx.db, admin, { token }, requestFields(ctx));
      return { ok: true as const };
    }),
});
