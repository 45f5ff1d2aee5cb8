import {
  createRemittanceInput,
  remittanceOpenItemsOutput,
  remittancesListInput,
  remittancesListOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as remittances from '../orders/remittances.ts';
import { permission, router } from '../trpc.ts';

/** Remittance advice: what a payment settles. No money moves in Gatehouse. */
export const remittancesRouter = router({
  create: permission('remittances:create')
    .meta({ audit: 'remittance.advised' })
    .input(createRemittanceInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => remittances.create(ctx, input)),
  /** The caller's open invoices and credit notes, with what is still available to advise. */
  openItems: permission('remittances:create')
    .output(remittanceOpenItemsOutput)
    .query(({ ctx }) => remittances.openItems(ctx)),
  list: permission('remittances:create')
    .input(remittancesListInput)
    .output(remittancesListOutput)
    .query(({ ctx, input }) => remittances.list(ctx, input)),
});
