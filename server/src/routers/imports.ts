import { importJobInput, importJobOutput, importJobsOutput, importReportOutput } from '@gatehouse/contract';
import { DomainError } from '../errors.ts';
import * as imports from '../integration/csv/imports.ts';
import { permission, router } from '../trpc.ts';

/**
 * CSV import jobs for staff (`imports:run`): the list, one job's progress (the SPA polls it), its error
 * report. Uploads and exports are streams, so they are HTTP routes (/files/imports, /files/exports).
 */
export const importsRouter = router({
  list: permission('imports:run')
    .output(importJobsOutput)
    .query(({ ctx }) => imports.listJobs(ctx)),
  get: permission('imports:run')
    .input(importJobInput)
    .output(importJobOutput)
    .query(async ({ ctx, input }) => {
      const job = await imports.getJob(ctx, input.id);
      if (!job) throw new DomainError('NOT_FOUND', { key: 'staff.importNotFound', values: {} });
      return job;
    }),
  report: permission('imports:run')
    .input(importJobInput)
    .output(importReportOutput)
    .query(async ({ ctx, input }) => {
      const csv = await imports.reportCsv(ctx, input.id);
      if (csv === null) throw new DomainError('NOT_FOUND', { key: 'staff.importNotFound', values: {} });
      return { fileName: `import-${input.id}-report.csv`, csv };
    }),
});
