import { setupInput } from '@gatehouse/contract';
import { z } from 'zod';
import { createFirstAdmin } from '../auth/setup.ts';
import { requestFields } from '../parties/scope.ts';
import { explicitlyPublic, router } from '../trpc.ts';

export const setupRouter = router({
  /** Completes first-run setup from the one-time link printed at start. */
  complete: explicitlyPublic
    .meta({ audit: 'setup.completed' })
    .input(setupInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const { token, ...admin } = input;
      await createFirstAdmin(ctx.db, admin, { token }, requestFields(ctx), ctx.config.passwordMinLength);
      return { ok: true as const };
    }),
});
