import {
  decideDocumentInput,
  documentsHistoryInput,
  documentsHistoryOutput,
  documentsQueueInput,
  documentsQueueOutput,
  documentsRequirementsInput,
  documentsRequirementsOutput,
  documentVersionDetail,
  documentVersionInput,
  downloadLinkOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as documents from '../documents/documents.ts';
import { ok, permission, router } from '../trpc.ts';

/** Compliance documents. Uploads and downloads go through /files (streams); these are the rest. */
export const documentsRouter = router({
  /** The document types a supplier must keep, each with its status, version in force and newest version. */
  requirements: permission('documents:read')
    .input(documentsRequirementsInput)
    .output(documentsRequirementsOutput)
    .query(({ ctx, input }) => documents.requirements(ctx, input)),
  history: permission('documents:read')
    .input(documentsHistoryInput)
    .output(documentsHistoryOutput)
    .query(({ ctx, input }) => documents.history(ctx, input)),
  get: permission('documents:read')
    .input(documentVersionInput)
    .output(documentVersionDetail)
    .query(({ ctx, input }) => documents.getVersion(ctx, input.versionId)),
  /** A short-lived link (GET /files/download/…) for this user, after the same check as documents.get. */
  downloadLink: permission('documents:read')
    .input(documentVersionInput)
    .output(downloadLinkOutput)
    .query(({ ctx, input }) => documents.downloadLink(ctx, input.versionId)),
  /** Operators: versions awaiting review across suppliers, oldest first. */
  queue: permission('documents:review')
    .input(documentsQueueInput)
    .output(documentsQueueOutput)
    .query(({ ctx, input }) => documents.queue(ctx, input)),
  startReview: permission('documents:review')
    .meta({ audit: 'document.review_started' })
    .input(documentVersionInput)
    .output(ok)
    .mutation(({ ctx, input }) => documents.startReview(ctx, input.versionId)),
  /** Approve, or reject with a reason; never by the uploader. (Writes document.rejected on a rejection.) */
  decide: permission('documents:review')
    .meta({ audit: 'document.approved' })
    .input(decideDocumentInput)
    .output(ok.extend({ status: z.enum(['approved', 'rejected']) }))
    .mutation(({ ctx, input }) => documents.decide(ctx, input)),
});
