import { createRoleInput, roleKeyInput, rolesListOutput, updateRoleInput } from '@gatehouse/contract';
import { ok, permission, router, sensitive } from '../trpc.ts';
import * as roles from '../users/roles.ts';

/** Roles are data: built-in and custom. Changing them is a sensitive action of system admins. */
export const rolesRouter = router({
  list: permission('roles:read')
    .output(rolesListOutput)
    .query(({ ctx }) => roles.list(ctx)),
  create: sensitive('roles:manage')
    .meta({ audit: 'role.created' })
    .input(createRoleInput)
    .output(ok)
    .mutation(({ ctx, input }) => roles.create(ctx, input)),
  update: sensitive('roles:manage')
    .meta({ audit: 'role.updated' })
    .input(updateRoleInput)
    .output(ok)
    .mutation(({ ctx, input }) => roles.update(ctx, input)),
  delete: sensitive('roles:manage')
    .meta({ audit: 'role.deleted' })
    .input(roleKeyInput)
    .output(ok)
    .mutation(({ ctx, input }) => roles.remove(ctx, input.key)),
});
