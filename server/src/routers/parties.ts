import {
  createPartyInput,
  creditExposureInput,
  creditExposureOutput,
  partiesListInput,
  partiesListOutput,
  updatePartyInput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as parties from '../parties/parties.ts';
import { ok, permission, router } from '../trpc.ts';

/** Customer and supplier accounts, for internal staff. */
export const partiesRouter = router({
  list: permission('parties:read')
    .input(partiesListInput)
    .output(partiesListOutput)
    .query(({ ctx, input }) => parties.list(ctx, input)),
  create: permission('parties:manage')
    .meta({ audit: 'party.created' })
    .input(createPartyInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => parties.create(ctx, input)),
  update: permission('parties:manage')
    .meta({ audit: 'party.updated' })
    .input(updatePartyInput)
    .output(ok)
    .mutation(({ ctx, input }) => parties.update(ctx, input)),
  /** A customer's limit in force, open invoice balance and open orders: beside a credit-limit request. */
  creditExposure: permission('parties:manage')
    .input(creditExposureInput)
    .output(creditExposureOutput)
    .query(({ ctx, input }) => parties.creditExposure(ctx, input)),
});
