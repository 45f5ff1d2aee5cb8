import {
  type AuditAction,
  describeIssuePath,
  type Locale,
  type Permission,
  REAUTH_WINDOW_MINUTES,
} from '@gatehouse/contract';
import { initTRPC, type TRPCError } from '@trpc/server';
import { z } from 'zod';
import { authenticate, requireEnrolled, requirePermission } from './auth/guard.ts';
import { type Context, serviceContext } from './context.ts';
import { requestLocale, wordError, wordIssues } from './errors/i18n.ts';
import { DomainError, fieldOf, reasonOf, textOf, toTRPCError } from './errors.ts';

/**
 * tRPC, initialised once. Procedure builders read in order of strength:
 *   publicProcedure -> authedProcedure -> partyProcedure -> permission('orders:read')
 * Every data procedure starts from permission(...); a test walks the router to hold that line.
 */
const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // Never send stacks or causes: the client gets code + message, the log gets the rest.
    // Messages are worded in the reader's language (docs/i18n.md, "Error messages"): the signed-in user's,
    // else the request's Accept-Language; English for everyone else.
    errorFormatter({ shape, error, ctx }) {
      const { stack: _stack, ...data } = shape.data;
      const locale = requestLocale(ctx?.req);
      const message = wordError(locale, { message: error.message, text: textOf(error) });
      // Input validation: a message in words ("IP allowlist, line 2: …", never `ipAllowlist.1`) and the
      // issues by field (`path` for programs, `label` for people), instead of zod's raw JSON dump.
      const field = fieldOf(error);
      const issues =
        error.code !== 'BAD_REQUEST'
          ? null
          : field
            ? [{ path: field.map(String).join('.'), label: describeIssuePath(field, locale), message }]
            : validationIssues(locale, error.cause);
      if (issues) {
        const worded = issues.map((i) => (i.label ? `${i.label}: ${i.message}` : i.message)).join('; ');
        return { ...shape, message: worded, data: { ...data, issues } };
      }
      const reason = reasonOf(error);
      return { ...shape, message, data: reason ? { ...data, reason } : data };
    },
    isDev: false,
  });

function validationIssues(locale: Locale, cause: unknown): { path: string; label: string; message: string }[] | null {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return null;
  return wordIssues(locale, issues);
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps domain and database errors to tRPC codes, once, for every procedure. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  // tRPC wraps anything thrown that is not a TRPCError as INTERNAL_SERVER_ERROR with it as `cause`;
  // those are the ones to map. Its own errors (input validation, auth) pass through unchanged.
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && result.error.cause) {
    (result as { error: TRPCError }).error = toTRPCError(result.error.cause);
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

/**
 * A live session (idle and absolute expiry by the user's effective policy, user and party active) used from
 * an address every IP allowlist of the user's party and roles admits, as the verb's ServiceContext (actor
 * and scope). The allowlist is checked on every request, not only at sign-in: a session carried to another
 * network stops working.
 */
async function signedIn(ctx: Context, path: string) {
  return serviceContext(ctx, await authenticate(ctx, path));
}

/** `signedIn`, and an active party (checked with the session) with the second factor its policy requires. */
async function enrolled(ctx: Context, path: string) {
  const service = await signedIn(ctx, path);
  requireEnrolled(service.actor);
  return service;
}

/**
 * Requires `signedIn`. Narrows the context once: every procedure built on it hands its verb a ServiceContext.
 * Each builder below makes its checks in one middleware: every tRPC middleware copies the call's options and
 * context again, and nearly every call goes through one of them.
 */
export const authedProcedure = publicProcedure.use(async ({ ctx, next, path }) =>
  next({ ctx: await signedIn(ctx, path) }),
);

/** Requires `enrolled`. */
export const partyProcedure = publicProcedure.use(async ({ ctx, next, path }) =>
  next({ ctx: await enrolled(ctx, path) }),
);

/** For procedures any signed-in user may call about themselves (auth.me, auth.logout). */
export const signedInProcedure = authedProcedure.meta({ signedIn: true });

/**
 * For procedures any signed-in user with an active party (and the second factor its policy requires)
 * may call, whose answer is shaped by the caller's permissions inside the service (home.summary): no
 * single permission guards them, so each part must check its own.
 */
export const enrolledProcedure = partyProcedure.meta({ signedIn: true });

/** Requires `enrolled` and `perm` among the caller's role permissions. Denials are audited with the missing permission. */
export const permission = (perm: Permission) =>
  publicProcedure.meta({ permission: perm }).use(async ({ ctx, next, path }) => {
    const service = await enrolled(ctx, path);
    await requirePermission(service, perm, path);
    return next({ ctx: service });
  });

/**
 * A sensitive action: `perm`, and the password proven in this session within the last
 * REAUTH_WINDOW_MINUTES (at sign-in or with auth.reauthenticate). A stolen, idle session cannot change
 * security settings without the password.
 */
export const sensitive = (perm: Permission) =>
  permission(perm)
    .meta({ reauth: true })
    .use(({ ctx, next }) => {
      if (ctx.clock.now() - ctx.actor.recentAuthAt > REAUTH_WINDOW_MINUTES * 60_000) {
        throw new DomainError('FORBIDDEN', { key: 'auth.reauthRequired' }, 'reauth-required');
      }
      return next();
    });

/** Procedures that are public on purpose say so, so the "every procedure has a permission" test can tell. */
export const explicitlyPublic = publicProcedure.meta({ public: true });
export type ProcedureMeta = {
  permission?: Permission;
  public?: boolean;
  signedIn?: boolean;
  /** Set by `sensitive`: the password must have been proven in this session within REAUTH_WINDOW_MINUTES. */
  reauth?: boolean;
  /** The audit action a successful call of this mutation writes (test/audit-every-mutation.test.ts holds it). */
  audit?: AuditAction;
};

/** The output of a mutation that answers nothing but success. */
export const ok = z.object({ ok: z.literal(true) });
