import {
  kineticOkOutput,
  kineticSaveInput,
  kineticStatusOutput,
  kineticStreamInput,
  kineticTestOutput,
  kineticWritebackInput,
} from '@gatehouse/contract';
import * as kinetic from '../integration/kinetic/service.ts';
import { permission, router, sensitive } from '../trpc.ts';

/**
 * The Epicor Kinetic connection (docs/kinetic.md). Reading needs integrations:manage; saving settings,
 * testing them and changing a stream also need a recent password, and are audited (secrets never are).
 */
export const kineticRouter = router({
  status: permission('integrations:manage')
    .output(kineticStatusOutput)
    .query(({ ctx }) => kinetic.status(ctx)),
  save: sensitive('integrations:manage')
    .meta({ audit: 'kinetic.connection_saved' })
    .input(kineticSaveInput)
    .output(kineticOkOutput)
    .mutation(({ ctx, input }) => kinetic.save(ctx, input)),
  test: sensitive('integrations:manage')
    .meta({ audit: 'kinetic.connection_tested' })
    .output(kineticTestOutput)
    .mutation(({ ctx }) => kinetic.test(ctx)),
  setStream: sensitive('integrations:manage')
    .meta({ audit: 'kinetic.stream_changed' })
    .input(kineticStreamInput)
    .output(kineticOkOutput)
    .mutation(({ ctx, input }) => kinetic.setStream(ctx, input)),
  setWriteback: sensitive('integrations:manage')
    .meta({ audit: 'kinetic.writeback_changed' })
    .input(kineticWritebackInput)
    .output(kineticOkOutput)
    .mutation(({ ctx, input }) => kinetic.setWriteback(ctx, input)),
});
