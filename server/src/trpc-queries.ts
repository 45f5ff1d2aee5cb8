import {
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
  transformTRPCResponse,
} from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { NextFunction, Request, Response } from 'express';

/**
 * tRPC queries (GET) straight from Express's request to the procedure and back, with tRPC's own wire format:
 * the same paths, `?batch=1&input=`, result and error shapes, status codes, `Vary` and `Allow` headers, and
 * the same `createContext`, `responseMeta` and `onError` hooks as the adapter.
 *
 * Why: tRPC's node adapter turns every request into a Fetch API `Request` (a `URL`, a `Headers` copy, an
 * `AbortController` per request and per call) and back from a `Response` through a web stream. On the hot
 * paths (a list page, an order) that conversion cost more CPU than the procedure's own JavaScript (issue 20,
 * docs/benchmarks.md). Everything else goes to tRPC's adapter, which sits behind this one: mutations (POST,
 * with its body limits), streamed batches (`trpc-accept: application/jsonl`), `connectionParams`, lazy
 * routers and subscriptions. Procedures get no abort signal here (none of Gatehouse's reads one).
 */
export interface QueryHandlerOptions<TContext> {
  router: AnyTRPCRouter;
  maxBatchSize: number;
  createContext(opts: { req: Request; res: Response }): TContext | Promise<TContext>;
  responseMeta?(opts: {
    ctx: TContext | undefined;
    paths: string[];
    type: 'query';
    errors: TRPCError[];
    eagerGeneration: false;
    data: unknown[];
  }): { headers?: Record<string, string>; status?: number };
  onError?(opts: {
    error: TRPCError;
    path: string | undefined;
    input: unknown;
    ctx: TContext | undefined;
    type: 'query' | 'mutation' | 'subscription' | 'unknown';
    req: Request;
  }): void;
}

type Outcome = { error: TRPCError; data?: undefined } | { error?: undefined; data: unknown };

export function trpcQueryHandler<TContext>(opts: QueryHandlerOptions<TContext>) {
  const { router } = opts;
  const config = router._def._config;
  const procedures = router._def.procedures as Record<string, AnyTRPCProcedure | undefined>;
  // Lazy routers load their procedures on first call; this handler looks them up directly.
  const servesAll = Object.keys(router._def.lazy ?? {}).length === 0 && config.pathSeparator === '.';

  return (req: Request, res: Response, next: NextFunction) => {
    if (
      req.method !== 'GET' ||
      !servesAll ||
      req.headers['trpc-accept'] !== undefined ||
      (req.url.includes('connectionParams=') && searchOf(req.url).has('connectionParams'))
    )
      return next();
    handle(req, res).catch(next);
  };

  async function handle(req: Request, res: Response) {
    const params = searchOf(req.url);
    const isBatch = params.get('batch') === '1';
    const headers: Record<string, string> = { vary: 'trpc-accept, accept' };
    let ctx: TContext | undefined;
    let paths: string[] = [];
    let inputs: Record<number, unknown> | undefined;
    let inputError: unknown;
    const rawInputs = () => {
      if (inputs) return inputs;
      if (inputError) throw inputError;
      try {
        inputs = parseInputs(params.get('input'), isBatch, paths.length);
        return inputs;
      } catch (cause) {
        // As tRPC's adapter: what cannot be read is the caller's mistake, in the parser's words.
        inputError =
          cause instanceof TRPCError
            ? cause
            : new TRPCError({
                code: 'BAD_REQUEST',
                message: cause instanceof Error ? cause.message : 'Invalid input',
                cause,
              });
        throw inputError;
      }
    };
    const inputOf = (index: number) => inputs?.[index];

    let outcomes: Outcome[];
    try {
      const raw = req.path.slice(req.path.lastIndexOf('/') + 1);
      let path: string;
      try {
        path = decodeURIComponent(raw);
      } catch (cause) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `Invalid URL-encoding in path "${raw}"`, cause });
      }
      paths = isBatch ? path.split(',') : [path];
      if (isBatch && paths.length > opts.maxBatchSize)
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'Batch call exceeds maximum size' });
      const types = new Set(paths.map((p) => procedures[p]?._def.type).filter(Boolean));
      if (types.size > 1)
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `Cannot mix procedure types in call: ${[...types].join(', ')}`,
        });
      let ctxError: TRPCError | undefined;
      try {
        ctx = await opts.createContext({ req, res });
      } catch (cause) {
        ctxError = getTRPCErrorFromUnknown(cause);
      }
      outcomes = await Promise.all(
        paths.map(async (path, batchIndex): Promise<Outcome> => {
          const proc = procedures[path];
          try {
            if (!proc) throw new TRPCError({ code: 'NOT_FOUND', message: `No procedure found on path "${path}"` });
            if (proc._def.type !== 'query') {
              headers.allow = 'POST';
              throw new TRPCError({
                code: 'METHOD_NOT_SUPPORTED',
                message: `Unsupported GET-request to ${proc._def.type} procedure at path "${path}"`,
              });
            }
            if (ctxError) throw ctxError;
            const data = await proc({
              path,
              getRawInput: async () => rawInputs()[batchIndex],
              ctx,
              type: 'query',
              signal: undefined,
              batchIndex,
            });
            return { data };
          } catch (cause) {
            const error = getTRPCErrorFromUnknown(cause);
            opts.onError?.({ error, path, input: inputOf(batchIndex), ctx, type: proc?._def.type ?? 'unknown', req });
            return { error };
          }
        }),
      );
    } catch (cause) {
      // Before any call ran (a malformed path or batch): one error for the whole request, as tRPC answers it.
      const error = getTRPCErrorFromUnknown(cause);
      opts.onError?.({ error, path: undefined, input: undefined, ctx, type: 'unknown', req });
      const body = {
        error: getTRPCErrorShape({ config, error, type: 'unknown', path: undefined, input: undefined, ctx }),
      };
      // tRPC's adapter sends this one as a bare string body, which the Fetch API labels text/plain.
      send(res, headers, body, [error], { ctx, paths }, 'text/plain;charset=UTF-8');
      return;
    }

    const shaped = outcomes.map((o, i) =>
      o.error
        ? {
            error: getTRPCErrorShape({
              config,
              ctx,
              error: o.error,
              input: inputOf(i),
              path: paths[i] as string,
              type: procedures[paths[i] as string]?._def.type ?? 'unknown',
            }),
          }
        : { result: { data: o.data } },
    );
    const errors = outcomes.flatMap((o) => (o.error ? [o.error] : []));
    send(res, headers, isBatch ? shaped : shaped[0], errors, { ctx, paths });
  }

  function send(
    res: Response,
    headers: Record<string, string>,
    body: unknown,
    errors: TRPCError[],
    meta: { ctx: TContext | undefined; paths: string[] },
    contentType = 'application/json',
  ) {
    const list = Array.isArray(body) ? body : [body];
    let status = getHTTPStatusCode(list as never, errors);
    const extra = opts.responseMeta?.({
      ctx: meta.ctx,
      paths: meta.paths,
      type: 'query',
      errors,
      eagerGeneration: false,
      data: list,
    });
    if (extra?.headers) Object.assign(headers, extra.headers);
    if (extra?.status) status = extra.status;
    headers['content-type'] = contentType;
    if (res.statusCode === 200) res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.end(JSON.stringify(transformTRPCResponse(config, body as never)));
  }

  function parseInputs(text: string | null, isBatch: boolean, calls: number): Record<number, unknown> {
    const out: Record<number, unknown> = Object.create(null);
    if (!text) return out;
    const parsed: unknown = JSON.parse(text);
    if (parsed === undefined) return out;
    if (!isBatch) {
      out[0] = config.transformer.input.deserialize(parsed);
      return out;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new TRPCError({ code: 'BAD_REQUEST', message: '"input" needs to be an object when doing a batch call' });
    for (let i = 0; i < calls; i++) {
      const input = (parsed as Record<string, unknown>)[i];
      if (input !== undefined) out[i] = config.transformer.input.deserialize(input);
    }
    return out;
  }
}

function searchOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}
