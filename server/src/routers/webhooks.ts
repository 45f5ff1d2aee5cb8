import {
  webhookCreateInput,
  webhookDeliveriesInput,
  webhookDeliveriesOutput,
  webhookDisableInput,
  webhookEndpointsOutput,
  webhookIdInput,
  webhookOkOutput,
  webhookReplayInput,
  webhookReplayOutput,
  webhookRotateInput,
  webhookSecretOutput,
} from '@gatehouse/contract';
import * as webhooks from '../integration/webhooks/service.ts';
import { permission, router, sensitive } from '../trpc.ts';

/**
 * Outbound webhook endpoints. Where business events are sent is an integration setting: reading needs
 * integrations:manage; every change also needs a recent password and is audited.
 */
export const webhooksRouter = router({
  list: permission('integrations:manage')
    .output(webhookEndpointsOutput)
    .query(({ ctx }) => webhooks.list(ctx)),
  deliveries: permission('integrations:manage')
    .input(webhookDeliveriesInput)
    .output(webhookDeliveriesOutput)
    .query(({ ctx, input }) => webhooks.deliveries(ctx, input)),
  create: sensitive('integrations:manage')
    .meta({ audit: 'webhook_endpoint.created' })
    .input(webhookCreateInput)
    .output(webhookSecretOutput)
    .mutation(({ ctx, input }) => webhooks.create(ctx, input)),
  rotateSecret: sensitive('integrations:manage')
    .meta({ audit: 'webhook_endpoint.secret_rotated' })
    .input(webhookRotateInput)
    .output(webhookSecretOutput)
    .mutation(({ ctx, input }) => webhooks.rotateSecret(ctx, input)),
  disable: sensitive('integrations:manage')
    .meta({ audit: 'webhook_endpoint.disabled' })
    .input(webhookDisableInput)
    .output(webhookOkOutput)
    .mutation(({ ctx, input }) => webhooks.setStatus(ctx, input, 'disabled')),
  enable: sensitive('integrations:manage')
    .meta({ audit: 'webhook_endpoint.enabled' })
    .input(webhookIdInput)
    .output(webhookOkOutput)
    .mutation(({ ctx, input }) => webhooks.setStatus(ctx, input, 'active')),
  replay: sensitive('integrations:manage')
    .meta({ audit: 'webhook.replayed' })
    .input(webhookReplayInput)
    .output(webhookReplayOutput)
    .mutation(({ ctx, input }) => webhooks.replay(ctx, input)),
});
