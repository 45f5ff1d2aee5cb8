/**
 * Benchmark-only peer: PostGraphile 4 as its documentation sets it up for row-level security, so the portal
 * benchmark (test/bench/portal.ts) can compare Gatehouse with what a team would pick instead.
 *   - connects as PG_DATABASE_URL's role: a login role that owns nothing and has no BYPASSRLS (portal.ts
 *     creates it, with SELECT on the four tables below and policies `TO` that role only);
 *   - every request carries `Authorization: Bearer <JWT>` (HS256, audience "postgraphile"), verified with
 *     JWT_SECRET; PostGraphile puts each claim in a transaction-local setting, `jwt.claims.party_id` among
 *     them, and the policies compare party_id with it; no token or a bad one sees no rows (or a 401/error);
 *   - `ignoreRBAC: false`, so the schema exposes only what that role may select; queries only (no mutations);
 *   - PG_NULLS_LAST=1 (the default) sets graphile-build-pg's `orderByNullsLast`, so `ORDER_DATE_DESC` is
 *     `order_date DESC NULLS LAST`, the order of the (party_id, order_date DESC NULLS LAST, id DESC NULLS
 *     LAST) index; PG_NULLS_LAST=0 keeps PostGraphile's default (plain DESC), which that index cannot serve.
 * PG_ALLOW_EXPLAIN=1 (the plan check's process only) answers `X-PostGraphile-Explain: on` with the SQL it ran
 * and PostgreSQL's plan of it.
 * POST /graphql answers GraphQL; GET /readyz answers 200 once the schema is built. PostGraphile warns at start
 * that jwtPgTypeIdentifier is not set: that option is for minting tokens from an SQL function; here the
 * bench mints them (portal.ts signJwt) and PostGraphile only verifies them.
 * The `postgraphile` package is a root devDependency used by nothing but this file (docs/dependencies.md).
 * Usage: PG_DATABASE_URL=... JWT_SECRET=... PORT=... node --import tsx test/bench/postgraphile-server.ts
 */
import http from 'node:http';
import { postgraphile } from 'postgraphile';

const port = Number(process.env.PORT);

// A pool of 20, as Gatehouse's and the raw server's (PostGraphile makes it with its own `pg`).
const middleware = postgraphile({ connectionString: process.env.PG_DATABASE_URL, max: 20 }, 'public', {
  jwtSecret: process.env.JWT_SECRET,
  jwtVerifyOptions: { algorithms: ['HS256'], audience: 'postgraphile' },
  ignoreRBAC: false,
  disableDefaultMutations: true,
  graphiql: false,
  disableQueryLog: true,
  retryOnInitFail: false,
  setofFunctionsContainNulls: false,
  graphileBuildOptions: { orderByNullsLast: process.env.PG_NULLS_LAST !== '0' },
  // Only for portal.ts's plan check, in a process of its own: allowing it wraps every query of the pool.
  allowExplain: process.env.PG_ALLOW_EXPLAIN === '1',
});

let ready = false;
middleware.getGraphQLSchema().then(
  () => {
    ready = true;
  },
  (err: unknown) => {
    console.error('postgraphile: schema build failed', err);
    process.exit(1);
  },
);

http
  .createServer((req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(ready ? 200 : 503).end(ready ? 'ok' : 'starting');
      return;
    }
    middleware(req, res);
  })
  .listen(port, '127.0.0.1');
