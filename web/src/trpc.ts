import type { AppRouter } from '@gatehouse/server';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { apiOrigin } from './api-origin.ts';
import { language } from './i18n.ts';

/**
 * The one API client, on the API's origin (config.json, see api-origin.ts; the SPA's own by default)
 * with the session cookie: `include` so it also goes to an API on another origin of the same site.
 * The server caps a batch at 10 calls. `Accept-Language` is the portal's language: the server words its
 * error messages in it until the user's stored language applies (docs/i18n.md, "Error messages").
 */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: '/trpc',
      maxItems: 10,
      headers: () => ({ 'Accept-Language': language() }),
      fetch: async (url, opts) => fetch(`${await apiOrigin()}${String(url)}`, { ...opts, credentials: 'include' }),
    }),
  ],
});

export type Me = Awaited<ReturnType<typeof trpc.auth.me.query>>;
export type Permission = Me['permissions'][number];
export type OrderDetail = Awaited<ReturnType<typeof trpc.orders.get.query>>;
export type UserDetail = Awaited<ReturnType<typeof trpc.users.get.query>>;
export type GrantableRole = Awaited<ReturnType<typeof trpc.users.grantableRoles.query>>[number];
export type RoleSummary = Awaited<ReturnType<typeof trpc.roles.list.query>>[number];
export type HomeSummary = Awaited<ReturnType<typeof trpc.home.summary.query>>;
