import pino from 'pino';

/** Structured logs. Redaction is a second net: code never logs passwords, tokens or cookies on purpose. */
export function createLogger(level: string) {
  return pino({
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
  });
}
export type Logger = pino.Logger;
