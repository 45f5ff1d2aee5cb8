import { homeSummaryOutput } from '@gatehouse/contract';
import * as home from '../home/home.ts';
import { enrolledProcedure, router } from '../trpc.ts';

/** The home page: what waits for the caller, one section per permission it holds (see home/home.ts). */
export const homeRouter = router({
  summary: enrolledProcedure.output(homeSummaryOutput).query(({ ctx }) => home.summary(ctx)),
});
