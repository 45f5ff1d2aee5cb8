import { alertIdInput, alertsListInput, alertsListOutput } from '@gatehouse/contract';
import * as alerts from '../audit/alerts.ts';
import { ok, permission, router } from '../trpc.ts';

/** Security alerts for staff: what the rules raised, and acknowledging them. */
export const alertsRouter = router({
  list: permission('security-posture:read')
    .input(alertsListInput)
    .output(alertsListOutput)
    .query(({ ctx, input }) => alerts.list(ctx, input)),
  acknowledge: permission('security-posture:read')
    .meta({ audit: 'alert.acknowledged' })
    .input(alertIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => alerts.acknowledge(ctx, input.id)),
});
