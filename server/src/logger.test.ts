import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, wantsPrettyLogs } from './logger.ts';

describe('log format', () => {
  it('is readable only at a terminal outside production', () => {
    expect(wantsPrettyLogs('development', true)).toBe(true);
    expect(wantsPrettyLogs('test', true)).toBe(true);
    expect(wantsPrettyLogs(undefined, true)).toBe(true);
    expect(wantsPrettyLogs('production', true)).toBe(false);
    expect(wantsPrettyLogs('development', false)).toBe(false);
    expect(wantsPrettyLogs('development', undefined)).toBe(false);
  });

  it('pretty lines keep the redaction; JSON lines otherwise', async () => {
    const prettyLines: string[] = [];
    const jsonLines: string[] = [];
    const prettySink = new Writable({
      write(chunk, _enc, done) {
        prettyLines.push(String(chunk));
        done();
      },
    });
    createLogger('info', prettySink, { pretty: true }).info({ password: 'hunter2hunter2', job: 'mail' }, 'hello');
    createLogger('info', { write: (s: string) => jsonLines.push(s) }).info({ token: 'abc' }, 'json');
    await expect.poll(() => prettyLines.length).toBeGreaterThan(0);
    const pretty = prettyLines.join('');
    const [json] = jsonLines;
    expect(pretty).toContain('hello');
    expect(pretty).toContain('[redacted]');
    expect(pretty).not.toContain('hunter2');
    expect(() => JSON.parse(pretty ?? '')).toThrow();
    expect(JSON.parse(json ?? '')).toMatchObject({ msg: 'json', token: '[redacted]' });
  });
});
