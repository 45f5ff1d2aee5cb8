import {
  integrationKeyCreateInput,
  integrationKeyIdInput,
  integrationKeyRotateInput,
  integrationKeySecretOutput,
  integrationKeysListOutput,
  integrationSetSuspendInactiveInput,
  integrationSettingsOutput,
} from '@gatehouse/contract';
import { z } from 'zod';
import * as integrations from '../integration/integrations.ts';
import { permission, router, sensitive } from '../trpc.ts';

/**
 * Integration keys (the ERP's credentials for /api/v1). Minting, rotating and revoking a key is a
 * privilege change for a non-human principal: it needs a recent password, like granting a role.
 */
export const integrationsRouter = router({
  keys: permission('integrations:manage')
    .output(integrationKeysListOutput)
    .query(({ ctx }) => integrations.listKeys(ctx)),
  createKey: sensitive('integrations:manage')
    .meta({ audit: 'integration_key.created' })
    .input(integrationKeyCreateInput)
    .output(integrationKeySecretOutput)
    .mutation(({ ctx, input }) => integrations.createKey(ctx, input)),
  rotateKey: sensitive('integrations:manage')
    .meta({ audit: 'integration_key.rotated' })
    .input(integrationKeyRotateInput)
    .output(integrationKeySecretOutput)
    .mutation(({ ctx, input }) => integrations.rotateKey(ctx, input)),
  revokeKey: sensitive('integrations:manage')
    .meta({ audit: 'integration_key.revoked' })
    .input(integrationKeyIdInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => integrations.revokeKey(ctx, input.keyId)),
  /** Whether the ERP marking a customer or supplier inactive suspends its portal access (this source). */
  setSuspendInactive: sensitive('integrations:manage')
    .meta({ audit: 'integration.source_settings_changed' })
    .input(integrationSetSuspendInactiveInput)
    .output(integrationSettingsOutput)
    .mutation(({ ctx, input }) => integrations.setSuspendInactive(ctx, input)),
});
