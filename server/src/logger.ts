import pino from 'pino';
import pretty from 'pino-pretty';

/**
 * Readable lines for a developer at a terminal; JSON lines (for a log collector) everywhere else,
 * and always in production, whatever the terminal.
 */
export function wantsPrettyLogs(env: string | undefined, stdoutIsTty: boolean | undefined): boolean {
  return stdoutIsTty === true && env !== 'production';
}

/**
 * Structured logs. Redaction is a second net: code never logs passwords, tokens or cookies on purpose.
 * `pretty`: pino-pretty as a stream in this thread, not as a transport (transports run in a worker
 * thread that loads its module by name, which an esbuild bundle does not guarantee); the same
 * redaction and error serializer apply, since they run before the line reaches the stream.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, opts: { pretty?: boolean } = {}) {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'req.headers.cookie',
        'req.headers.authorization',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    serializers: { err: serializeError },
  };
  if (opts.pretty) {
    return pino(
      options,
      pretty({ destination: destination ?? 1, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
    );
  }
  return destination ? pino(options, destination) : pino(options);
}
export type Logger = pino.Logger;

function serializeError(err: unknown) {
  try {
    return pino.stdSerializers.err(withoutQueryValues(err) as Error);
  } catch {
    // A logger must not fail: the bare minimum, still without values.
    return { type: 'Error', message: err instanceof Error ? stripValues(err.message) : 'unserialisable error' };
  }
}

/** Where drivers keep a failed statement's values: postgres.js (`parameters`, `args`, `types`), Drizzle (`params`). */
const VALUE_KEYS = new Set(['params', 'parameters', 'args', 'types']);

/**
 * An error (and its causes) as it may be logged: without the values of the statement that failed. A
 * failed audit insert carries user ids, the IP, the user agent and the entry's details, and Drizzle even
 * writes them into the message ("Failed query: <sql>\nparams: <values>"). The SQL text, with its
 * placeholders, stays: it says what failed. Every `err` a logger made here logs passes through this.
 */
export function withoutQueryValues(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 8) return err;
  const message = stripValues(err.message);
  const clean = new Error(message) as Error & Record<string, unknown>;
  Object.defineProperty(clean, 'name', { value: err.name, enumerable: false, configurable: true });
  for (const [key, value] of Object.entries(err)) {
    if (!VALUE_KEYS.has(key) && key !== 'cause' && key !== 'name' && key !== 'stack') clean[key] = value;
  }
  clean.stack = cleanStack(err, message);
  if (err.cause !== undefined) clean.cause = withoutQueryValues(err.cause, depth + 1);
  // pino names the error by its constructor: keep the original's.
  Object.defineProperty(clean, 'constructor', { value: err.constructor, enumerable: false });
  return clean;
}

function stripValues(text: string): string {
  const at = text.indexOf('\nparams: ');
  return at === -1 ? text : text.slice(0, at);
}

function cleanStack(err: Error, message: string): string | undefined {
  if (err.stack === undefined || message === err.message) return err.stack;
  if (err.stack.includes(err.message)) return err.stack.replace(err.message, message);
  // The message is not found verbatim: keep only the frames.
  const frames = err.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [`${err.name}: ${message}`, ...frames].join('\n');
}
