import { downloadedFile, statementDownloadInput, statementInput, statementReport } from '@gatehouse/contract';
import * as printing from '../documents/printing.ts';
import { permission, router } from '../trpc.ts';

export const statementsRouter = router({
  /**
   * The caller's own account statement for a period (default: the last 90 days): opening balance, every
   * invoice, credit note and payment with the running balance, closing balance per currency; open items,
   * ageing and available credit as of today.
   */
  get: permission('statements:read')
    .input(statementInput)
    .output(statementReport)
    .query(({ ctx, input }) => printing.statement(ctx, input)),
  /** The statement for a period as a PDF or CSV file (formula-safe cells); audited as a download. */
  download: permission('statements:read')
    .meta({ audit: 'statement.downloaded' })
    .input(statementDownloadInput)
    .output(downloadedFile)
    .mutation(({ ctx, input }) => printing.statementDownload(ctx, input)),
});
