import { sellerProfileInput, sellerProfileOutput } from '@gatehouse/contract';
import * as printing from '../documents/printing.ts';
import { permission, router, sensitive } from '../trpc.ts';

/**
 * The seller's identity printed on every invoice, credit note, order confirmation, delivery note, purchase
 * order and statement: system settings a system admin edits (with the policies).
 */
export const sellerRouter = router({
  get: permission('policies:manage')
    .output(sellerProfileOutput)
    .query(({ ctx }) => printing.getSeller(ctx)),
  /** Changing what every customer's invoices say (bank details!) is sensitive: a recent password is required. */
  update: sensitive('policies:manage')
    .meta({ audit: 'seller_profile.updated' })
    .input(sellerProfileInput)
    .output(sellerProfileOutput)
    .mutation(({ ctx, input }) => printing.updateSeller(ctx, input)),
});
