import { describe, expect, it } from 'vitest';
import { ConfigError, crossSiteCorsOrigins, loadConfig } from './config.ts';

const secret = 'x'.repeat(40);

describe('configuration', () => {
  it('reports every bad variable together, in plain words, without echoing secrets', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://nope',
        GATEHOUSE_SECRET: 'short-secret-value',
        LOG_LEVEL: 'loud',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/DATABASE_URL/);
      expect(msg).toMatch(/GATEHOUSE_SECRET: must be at least 32 characters/);
      expect(msg).toMatch(/LOG_LEVEL/);
      expect(msg).not.toContain('short-secret-value');
    }
  });

  it('has the session cache on by default, off when asked, and refuses anything but on/off', () => {
    const base = { GATEHOUSE_SECRET: secret, GATEHOUSE_DATA_DIR: '/tmp/gh-config-test' };
    expect(loadConfig(base).sessionCache).toEqual({ enabled: true, maxEntries: 10_000, maxAgeMs: 60_000 });
    expect(
      loadConfig({
        ...base,
        GATEHOUSE_SESSION_CACHE: 'off',
        SESSION_CACHE_MAX_ENTRIES: '500',
        SESSION_CACHE_MAX_AGE_SECONDS: '5',
      }).sessionCache,
    ).toEqual({ enabled: false, maxEntries: 500, maxAgeMs: 5_000 });
    expect(() => loadConfig({ ...base, GATEHOUSE_SESSION_CACHE: 'false' })).toThrow(/GATEHOUSE_SESSION_CACHE/);
    expect(() => loadConfig({ ...base, SESSION_CACHE_MAX_AGE_SECONDS: '0' })).toThrow(/SESSION_CACHE_MAX_AGE_SECONDS/);
  });

  it('has no secret default: an external database requires GATEHOUSE_SECRET', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:p@db/gatehouse' })).toThrow(/GATEHOUSE_SECRET: required/);
  });

  it('production requires an explicit TRUST_PROXY and PUBLIC_ORIGIN, and refuses "true"', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', GATEHOUSE_SECRET: secret, DATABASE_URL: 'postgres://u@h/d' }),
    ).toThrow(/TRUST_PROXY: required/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        GATEHOUSE_SECRET: secret,
        TRUST_PROXY: 'true',
        PUBLIC_ORIGIN: 'https://p.example',
      }),
    ).toThrow(/TRUST_PROXY: "true"/);
  });

  it('parses hop counts and CIDR lists, rejects garbage', () => {
    const base = { GATEHOUSE_SECRET: secret, GATEHOUSE_DATA_DIR: '/tmp/unused' };
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 });
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, fd00::/8' }).trustProxy).toEqual({
      kind: 'cidrs',
      cidrs: ['10.0.0.0/8', 'fd00::/8'],
    });
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('always admits its own origin and the configured CDN origins for CORS', () => {
    const c = loadConfig({
      GATEHOUSE_SECRET: secret,
      PUBLIC_ORIGIN: 'https://portal.example/',
      CORS_ORIGINS: 'https://cdn.example',
    });
    expect(c.allowedOrigins).toEqual(['https://portal.example', 'https://cdn.example']);
    expect(() => loadConfig({ GATEHOUSE_SECRET: secret, CORS_ORIGINS: 'javascript:alert(1)' })).toThrow(/CORS_ORIGINS/);
  });

  it('refuses a wildcard CORS origin, and a plain-HTTP one for an HTTPS portal', () => {
    expect(() => loadConfig({ GATEHOUSE_SECRET: secret, CORS_ORIGINS: '*' })).toThrow(
      /CORS_ORIGINS\.0: not an http\(s\) origin: \*/,
    );
    expect(() => loadConfig({ GATEHOUSE_SECRET: secret, CORS_ORIGINS: 'null' })).toThrow(/CORS_ORIGINS/);
    expect(() =>
      loadConfig({
        GATEHOUSE_SECRET: secret,
        PUBLIC_ORIGIN: 'https://api.example.com',
        CORS_ORIGINS: 'https://app.example.com, http://app.example.com',
      }),
    ).toThrow(/CORS_ORIGINS: http:\/\/app\.example\.com is plain HTTP while PUBLIC_ORIGIN is HTTPS/);
    // Development over plain HTTP keeps working (the Vite dev server, the tests).
    expect(
      loadConfig({ GATEHOUSE_SECRET: secret, PORT: '3000', CORS_ORIGINS: 'http://localhost:5173' }).allowedOrigins,
    ).toEqual(['http://localhost:3000', 'http://localhost:5173']);
  });

  it('names the CORS origins on another site than PUBLIC_ORIGIN (their SPA could not sign in)', () => {
    const c = loadConfig({
      GATEHOUSE_SECRET: secret,
      PUBLIC_ORIGIN: 'https://api.example.com',
      CORS_ORIGINS: 'https://app.example.com,https://example.com:8443,https://app.example.net,https://10.0.0.5',
    });
    expect(crossSiteCorsOrigins(c)).toEqual(['https://app.example.net', 'https://10.0.0.5']);
    const local = loadConfig({ GATEHOUSE_SECRET: secret, PORT: '3000', CORS_ORIGINS: 'http://localhost:5173' });
    expect(crossSiteCorsOrigins(local)).toEqual([]);
  });

  it('lets PASSWORD_MIN_LENGTH raise the minimum password length, never below 12', () => {
    expect(loadConfig({ GATEHOUSE_SECRET: secret }).passwordMinLength).toBe(12);
    expect(loadConfig({ GATEHOUSE_SECRET: secret, PASSWORD_MIN_LENGTH: '15' }).passwordMinLength).toBe(15);
    expect(() => loadConfig({ GATEHOUSE_SECRET: secret, PASSWORD_MIN_LENGTH: '8' })).toThrow(/PASSWORD_MIN_LENGTH/);
  });

  it('keeps backups unscheduled without a recipient, daily at 02:00 UTC by default, and checks the key', () => {
    const base = loadConfig({ GATEHOUSE_SECRET: secret, GATEHOUSE_DATA_DIR: '/srv/gh' });
    expect(base.backup).toMatchObject({
      dir: '/srv/gh/backups',
      recipient: undefined,
      hour: 2,
      intervalHours: 24,
      retain: { count: 7, days: 30 },
    });
    const recipient = `age1${'q'.repeat(58)}`;
    const set = loadConfig({ GATEHOUSE_SECRET: secret, BACKUP_RECIPIENT: recipient, BACKUP_HOUR: '23' });
    expect(set.backup).toMatchObject({ recipient, hour: 23 });
    expect(() => loadConfig({ GATEHOUSE_SECRET: secret, BACKUP_RECIPIENT: 'AGE-SECRET-KEY-1ABC' })).toThrow(
      /BACKUP_RECIPIENT: must be an age X25519 public key/,
    );
    expect(() => loadConfig({ GATEHOUSE_SECRET: secret, BACKUP_HOUR: '24' })).toThrow(/BACKUP_HOUR/);
  });

  it('keeps metrics off by default and validates their token, port and host', () => {
    expect(loadConfig({ GATEHOUSE_SECRET: secret }).metrics).toEqual({
      token: undefined,
      port: undefined,
      host: '127.0.0.1',
    });
    const token = 'm'.repeat(32);
    expect(loadConfig({ GATEHOUSE_SECRET: secret, METRICS_TOKEN: token, METRICS_PORT: '9464' }).metrics).toEqual({
      token,
      port: 9464,
      host: '127.0.0.1',
    });
    expect(() => loadConfig({ GATEHOUSE_SECRET: secret, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ GATEHOUSE_SECRET: secret, METRICS_PORT: '3000', PORT: '3000' })).toThrow(
      /METRICS_PORT: must differ/,
    );
    expect(() => loadConfig({ GATEHOUSE_SECRET: secret, METRICS_PORT: 'x' })).toThrow(/METRICS_PORT/);
  });
  it('keeps files on this disk by default; FILES_STORE=s3 needs a bucket, and keys come in pairs', () => {
    const base = { GATEHOUSE_SECRET: secret, GATEHOUSE_DATA_DIR: '/tmp/gh-cfg' };
    expect(loadConfig(base).files).toMatchObject({ store: 'fs', dir: '/tmp/gh-cfg/files', s3: undefined });
    expect(loadConfig({ ...base, FILES_STORE: 'postgres' }).files.store).toBe('postgres');
    expect(() => loadConfig({ ...base, FILES_STORE: 'disk' })).toThrow(/FILES_STORE/);
    expect(() => loadConfig({ ...base, FILES_STORE: 's3' })).toThrow(/S3_BUCKET: required with FILES_STORE=s3/);
    expect(() => loadConfig({ ...base, FILES_STORE: 's3', S3_BUCKET: 'b-1', S3_ACCESS_KEY_ID: 'AK' })).toThrow(
      /give both, or neither/,
    );
    // An S3-compatible endpoint implies path-style URLs; the prefix gets its slash.
    expect(
      loadConfig({ ...base, FILES_STORE: 's3', S3_BUCKET: 'b-1', S3_ENDPOINT: 'http://s3.lan:9000', S3_PREFIX: 'gh' })
        .files.s3,
    ).toEqual({
      bucket: 'b-1',
      region: 'us-east-1',
      endpoint: 'http://s3.lan:9000',
      prefix: 'gh/',
      forcePathStyle: true,
      accessKeyId: undefined,
      secretAccessKey: undefined,
    });
    // AWS itself: virtual-hosted URLs unless told otherwise.
    expect(loadConfig({ ...base, FILES_STORE: 's3', S3_BUCKET: 'b-1' }).files.s3?.forcePathStyle).toBe(false);
  });
});
