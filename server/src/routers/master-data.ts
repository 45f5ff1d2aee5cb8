import { masterDataOutput } from '@gatehouse/contract';
import * as changeRequests from '../suppliers/change-requests.ts';
import { permission, router } from '../trpc.ts';

export const masterDataRouter = router({
  /** The caller's own party's current (accepted) address and bank details. */
  get: permission('change-requests:create')
    .output(masterDataOutput)
    .query(({ ctx }) => changeRequests.masterData(ctx)),
});
