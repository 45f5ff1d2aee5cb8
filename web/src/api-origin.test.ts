import { describe, expect, it } from 'vitest';
import { parseConfig } from './api-origin.ts';

const page = { protocol: 'https:', origin: 'https://app.example.com' };

describe('config.json', () => {
  it("an empty or absent apiOrigin, or the page's own origin, means the same origin", () => {
    expect(parseConfig({}, page)).toEqual({ origin: '' });
    expect(parseConfig({ apiOrigin: '' }, page)).toEqual({ origin: '' });
    expect(parseConfig({ apiOrigin: 'https://app.example.com' }, page)).toEqual({ origin: '' });
  });

  it('an API origin is used as given (a trailing slash is tolerated)', () => {
    expect(parseConfig({ apiOrigin: 'https://api.example.com' }, page)).toEqual({ origin: 'https://api.example.com' });
    expect(parseConfig({ apiOrigin: 'https://api.example.com:8443/' }, page)).toEqual({
      origin: 'https://api.example.com:8443',
    });
  });

  it('anything but an origin is an error, never a silent fallback', () => {
    for (const apiOrigin of ['https://api.example.com/trpc', 'api.example.com', 'javascript:alert(1)', '*', 42]) {
      expect(parseConfig({ apiOrigin }, page).error).toMatch(/cannot be used/);
    }
    expect(parseConfig([], page).error).toMatch(/must be a JSON object/);
    expect(parseConfig(null, page).error).toMatch(/must be a JSON object/);
  });

  it('an HTTPS page never sends its session to a plain-HTTP API', () => {
    expect(parseConfig({ apiOrigin: 'http://api.example.com' }, page).error).toMatch(/plain-HTTP API/);
    expect(
      parseConfig({ apiOrigin: 'http://localhost:3000' }, { protocol: 'http:', origin: 'http://localhost:5173' }),
    ).toEqual({
      origin: 'http://localhost:3000',
    });
  });
});
