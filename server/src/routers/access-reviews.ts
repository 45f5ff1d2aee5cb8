import {
  closeReviewOutput,
  decideReviewItemInput,
  exportReviewOutput,
  reviewIdInput,
  reviewItemsInput,
  reviewItemsOutput,
  reviewsListOutput,
  startReviewInput,
  startReviewOutput,
} from '@gatehouse/contract';
import { ok, permission, router, sensitive } from '../trpc.ts';
import * as reviews from '../users/access-reviews.ts';

/**
 * Access review campaigns: system admins start, close and export them; every admin attests the items in
 * its scope (users:manage), under the same rule as any user administration.
 */
export const accessReviewsRouter = router({
  start: sensitive('access-reviews:manage')
    .meta({ audit: 'access_review.started' })
    .input(startReviewInput)
    .output(startReviewOutput)
    .mutation(({ ctx, input }) => reviews.start(ctx, input)),
  list: permission('users:manage')
    .output(reviewsListOutput)
    .query(({ ctx }) => reviews.list(ctx)),
  items: permission('users:manage')
    .input(reviewItemsInput)
    .output(reviewItemsOutput)
    .query(({ ctx, input }) => reviews.items(ctx, input)),
  decide: permission('users:manage')
    .meta({ audit: 'access_review.decided' })
    .input(decideReviewItemInput)
    .output(ok)
    .mutation(({ ctx, input }) => reviews.decide(ctx, input)),
  close: sensitive('access-reviews:manage')
    .meta({ audit: 'access_review.closed' })
    .input(reviewIdInput)
    .output(closeReviewOutput)
    .mutation(({ ctx, input }) => reviews.close(ctx, input.reviewId)),
  /** An export is sensitive: it needs the password proven in the last 10 minutes. */
  export: sensitive('access-reviews:manage')
    .meta({ audit: 'access_review.exported' })
    .input(reviewIdInput)
    .output(exportReviewOutput)
    .mutation(({ ctx, input }) => reviews.exportCsv(ctx, input.reviewId)),
});
