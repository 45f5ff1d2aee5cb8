import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Configuration, validated once at boot. Every bad variable is reported together, in plain words.
 * There are no secret defaults: GATEHOUSE_SECRET is required with an external database or in production;
 * only the embedded default generates one per installation (kept in the data directory, mode 0600).
 */
const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (v === 'none' || v === 'false' || v === '0') return { kind: 'none' as const };
    if (/^\d+$/.test(v)) return { kind: 'hops' as const, hops: Number(v) };
    if (v === 'true') return { kind: 'any' as const };
    const cidrs = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = cidrs.filter((c) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(c));
    if (cidrs.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `not "none", a hop count or a CIDR list: ${bad.join(', ') || v}` });
      return z.NEVER;
    }
    return { kind: 'cidrs' as const, cidrs };
  });

const origin = z.string().transform((v, ctx) => {
  try {
    const u = new URL(v);
    if (u.origin === 'null' || !['http:', 'https:'].includes(u.protocol)) throw new Error();
    return u.origin;
  } catch {
    ctx.addIssue({ code: 'custom', message: `not an http(s) origin: ${v}` });
    return z.NEVER;
  }
});

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  APP_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** The ERP mirror writer's connection (role gatehouse_sync), when the operator manages the roles. */
  SYNC_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  GATEHOUSE_DATA_DIR: z.string().default('./data'),
  /** Ed25519 private key (PEM) that signs audit checkpoints and export manifests; keep it off the database host. */
  AUDIT_SIGNING_KEY_FILE: z.string().optional(),
  GATEHOUSE_SECRET: z.string().min(32, 'must be at least 32 characters (try: openssl rand -base64 48)').optional(),
  TRUST_PROXY: trustProxy.optional(),
  PUBLIC_ORIGIN: origin.optional(),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(z.array(origin)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** Accounts unused this many days are suspended by a daily job; 0 turns the job off. */
  DORMANT_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  /** The local hour (0-23, in each user's own time zone) from which their daily notification digest is sent. */
  NOTIFICATION_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  /** How often the webhook worker looks for due deliveries, in ms (0: no worker in this instance). */
  WEBHOOK_WORKER_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
  /** How often the Kinetic sync looks for due streams, in ms (0: this instance runs no Kinetic sync). */
  KINETIC_SYNC_MS: z.coerce.number().int().min(0).max(900_000).default(15_000),
  /** NIST SP 800-63B: 15 is recommended where no second factor is used; never below 12. */
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(12).max(64).default(12),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /**
   * The per-instance cache of session lookups, invalidated across instances by PostgreSQL notifications
   * (docs/security.md, "Session cache"): on by default; off sends every request's lookup to the database.
   */
  GATEHOUSE_SESSION_CACHE: z.enum(['on', 'off']).default('on'),
  SESSION_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  SESSION_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  DB_POOL_MAX: z.coerce.number().int().min(2).max(500).default(20),
  /** How long a request waits for a database connection before it answers 503 (also the connect timeout). */
  DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Uploaded files (content-addressed); default <dataDir>/files. */
  FILES_DIR: z.string().optional(),
  /** Where uploaded files live: this machine's disk, or shared by every instance (docs/adr/0004). */
  FILES_STORE: z.enum(['fs', 'postgres', 's3']).default('fs'),
  S3_BUCKET: z.string().trim().min(3).max(63).optional(),
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  /** An S3-compatible service's URL; unset: AWS S3 itself. */
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Key prefix inside the bucket (a bucket shared with other data); "/" is added when missing. */
  S3_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "letters, digits and !_.*'()/- only")
    .default(''),
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need; default: on with S3_ENDPOINT. */
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
  S3_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().trim().min(1).optional(),
  /** Largest file a supplier may upload, in MB (default 20). */
  UPLOAD_MAX_MB: z.coerce.number().min(0.001).max(1024).default(20),
  /** CSV imports (docs/csv-import.md): the largest file, the longest cell, when a silent job is orphaned. */
  IMPORT_MAX_MB: z.coerce.number().min(0.001).max(10_240).default(200),
  IMPORT_MAX_CELL_CHARS: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  IMPORT_STALE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Approved documents are marked expiring this many days before their expiry date (default 30). */
  DOCUMENT_EXPIRY_WARNING_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Approvers are reminded when a level has waited this long, and it escalates after the second. */
  APPROVAL_REMIND_HOURS: z.coerce.number().min(0.01).max(720).default(24),
  APPROVAL_ESCALATE_HOURS: z.coerce.number().min(0.01).max(2160).default(72),
  /** Bearer token for /metrics on the main port; without it /metrics there answers 404. */
  METRICS_TOKEN: z
    .string()
    .min(32, 'must be at least 32 characters (try: openssl rand -base64 32)')
    .regex(/^\S+$/, 'must not contain spaces')
    .optional(),
  /** A separate listener for /metrics only (no token); off unless set. 0 picks a free port. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** Backups: where they go, the age public key they are encrypted to, and the identity that reads them. */
  BACKUP_DIR: z.string().optional(),
  BACKUP_RECIPIENT: z
    .string()
    .trim()
    .regex(/^age1[02-9ac-hj-np-z]{58}$/, 'must be an age X25519 public key (age1..., 62 characters)')
    .optional(),
  BACKUP_IDENTITY_FILE: z.string().optional(),
  BACKUP_HOUR: z.coerce.number().int().min(0).max(23).default(2),
  BACKUP_INTERVAL_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  BACKUP_RETAIN_COUNT: z.coerce.number().int().min(1).max(1000).default(7),
  BACKUP_RETAIN_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  BACKUP_COPY_DIR: z.string().optional(),
  /** Off-host copy to this S3-compatible bucket (the S3_* connection settings apply). */
  BACKUP_S3_BUCKET: z.string().trim().min(3).max(63).optional(),
  BACKUP_S3_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "letters, digits and !_.*'()/- only")
    .default('gatehouse-backups/'),
  BACKUP_SCRATCH_DIR: z.string().optional(),
  /** How gentle a backup is on the live portal (docs/operations.md, Backups and restore). */
  BACKUP_CHECKPOINT: z.enum(['spread', 'fast']).default('spread'),
  BACKUP_READ_MB_PER_SECOND: z.coerce.number().min(0).max(100_000).default(25),
  /** Supplier invoices: how far (percent) a line's unit price / quantity may be off the PO before it is flagged. */
  SUPPLIER_INVOICE_PRICE_TOLERANCE_PCT: z.coerce.number().min(0).max(100).default(2),
  SUPPLIER_INVOICE_QUANTITY_TOLERANCE_PCT: z.coerce.number().min(0).max(100).default(0),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().trim().min(3).max(200).default('Gatehouse <no-reply@gatehouse.invalid>'),
});

export type Env = z.infer<typeof envSchema>;

/** An S3-compatible bucket and how to reach it. Keys absent: the AWS SDK's own credential chain. */
export interface S3Settings {
  bucket: string;
  region: string;
  endpoint: string | undefined;
  /** Ends with "/" or is empty. */
  prefix: string;
  forcePathStyle: boolean;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
}

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  dataDir: string;
  /** AUDIT_SIGNING_KEY_FILE, default <dataDir>/audit-signing-key.pem (made on first use). */
  auditKeyFile: string;
  /** Owner URL for migrations, or undefined for the embedded default. */
  databaseUrl: string | undefined;
  appDatabaseUrl: string | undefined;
  syncDatabaseUrl: string | undefined;
  secret: Buffer;
  trustProxy: { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'cidrs'; cidrs: string[] };
  publicOrigin: string;
  /** Origins allowed to call the API with credentials (the SPA on a CDN); publicOrigin is always in. */
  allowedOrigins: string[];
  logLevel: Env['LOG_LEVEL'];
  session: { idleMs: number; absoluteMs: number };
  /**
   * The session cache (GATEHOUSE_SESSION_CACHE, SESSION_CACHE_MAX_ENTRIES, SESSION_CACHE_MAX_AGE_SECONDS): whether
   * it is on, how many sessions it holds at most, and how old a cached row may get before it is read again
   * even though no notification said it changed.
   */
  sessionCache: { enabled: boolean; maxEntries: number; maxAgeMs: number };
  /** Minimum length of a new password (PASSWORD_MIN_LENGTH, 12 to 64). */
  passwordMinLength: number;
  /** DORMANT_DAYS: suspend accounts unused this long (0: never). */
  dormantDays: number;
  /** NOTIFICATION_DIGEST_HOUR: each user's digest goes out from this hour of their own local day. */
  digestHour: number;
  /** WEBHOOK_WORKER_MS: the webhook delivery worker's tick (0: this instance runs no worker). */
  webhookWorkerMs: number;
  /** KINETIC_SYNC_MS: the Kinetic sync job's tick (0: off in this instance); each stream has its own poll interval. */
  kineticSyncMs: number;
  dbPoolMax: number;
  /** DB_ACQUIRE_TIMEOUT_MS: the deadline for getting a connection (then 503 with Retry-After). */
  dbAcquireTimeoutMs: number;
  /**
   * Uploaded files: the store (FILES_STORE), its directory (fs) or bucket (s3), the largest accepted,
   * and the expiry warning window.
   */
  files: {
    store: Env['FILES_STORE'];
    dir: string;
    /** Set when store is 's3'. Keys absent: the AWS SDK's own credential chain. */
    s3: S3Settings | undefined;
    maxBytes: number;
    expiryWarningDays: number;
  };
  /**
   * CSV imports: the largest file (IMPORT_MAX_MB) and cell (IMPORT_MAX_CELL_CHARS), where uploads wait
   * while they run (<dataDir>/imports), and how long a running job may go without progress before the
   * sweep marks it failed (IMPORT_STALE_SECONDS: its process died).
   */
  imports: { maxBytes: number; maxCellChars: number; staleSeconds: number; dir: string };
  /** Hours a level waits before its approvers are reminded / it escalates to its escalation roles. */
  approvals: { remindHours: number; escalateHours: number };
  /** Supplier invoice matching tolerances, in percent (SUPPLIER_INVOICE_*_TOLERANCE_PCT). */
  supplierInvoices: { pricePct: number; qtyPct: number };
  /** SMTP when configured; otherwise mail is written as .eml files under <dataDir>/mail. */
  mail: { smtpUrl: string | undefined; from: string; fileDir: string };
  /**
   * Prometheus metrics, never public: on the main port only with `Authorization: Bearer <token>` (no
   * token: 404), and/or on a separate listener (port undefined: none), loopback unless METRICS_HOST says.
   */
  metrics: { token: string | undefined; port: number | undefined; host: string };
  /**
   * Backups (docs/operations.md, Backups and restore): scheduled only when `recipient` is set; verified after each scheduled
   * backup only when `identityFile` is set (the server can then read its backups: see the ADR).
   */
  backup: {
    dir: string;
    recipient: string | undefined;
    identityFile: string | undefined;
    /** UTC hour of the first backup of a day, and hours between backups. */
    hour: number;
    intervalHours: number;
    retain: { count: number; days: number };
    copyDir: string | undefined;
    /** The bucket of the off-host copy, with the S3_* connection settings. */
    s3: S3Settings | undefined;
    scratchDir: string | undefined;
    /** The checkpoint pg_backup_start asks for, and the read-rate limit in bytes per second (0: none). */
    checkpoint: 'spread' | 'fast';
    readBytesPerSecond: number;
  };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Gatehouse cannot start, the configuration has problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';
  if (e.TRUST_PROXY?.kind === 'any') {
    problems.push('TRUST_PROXY: "true" would trust any X-Forwarded-For; give a hop count or the proxies\' CIDRs');
  }
  if (production && !e.TRUST_PROXY) {
    problems.push('TRUST_PROXY: required in production ("none", a hop count, or the proxies\' CIDR list)');
  }
  if (production && !e.PUBLIC_ORIGIN)
    problems.push('PUBLIC_ORIGIN: required in production (e.g. https://portal.example.com)');
  if ((e.DATABASE_URL || production) && !e.GATEHOUSE_SECRET) {
    problems.push('GATEHOUSE_SECRET: required with DATABASE_URL or in production (at least 32 random characters)');
  }
  // A page on plain HTTP can be rewritten on the way; it must not drive an HTTPS portal's sessions
  // (and browsers treat http and https of one host as different sites, so its cookie would not go).
  const plainCors = e.PUBLIC_ORIGIN?.startsWith('https:') ? e.CORS_ORIGINS.filter((o) => o.startsWith('http:')) : [];
  if (plainCors.length > 0)
    problems.push(`CORS_ORIGINS: ${plainCors.join(', ')} is plain HTTP while PUBLIC_ORIGIN is HTTPS; use https:`);
  if (e.APP_DATABASE_URL && !e.DATABASE_URL)
    problems.push('APP_DATABASE_URL: only meaningful together with DATABASE_URL');
  if (e.SYNC_DATABASE_URL && !e.APP_DATABASE_URL)
    problems.push('SYNC_DATABASE_URL: only meaningful together with APP_DATABASE_URL (otherwise Gatehouse manages it)');
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT)
    problems.push('METRICS_PORT: must differ from PORT (the metrics listener is a separate one)');
  if (e.FILES_STORE === 's3' && !e.S3_BUCKET) problems.push('S3_BUCKET: required with FILES_STORE=s3');
  if (!!e.S3_ACCESS_KEY_ID !== !!e.S3_SECRET_ACCESS_KEY)
    problems.push(
      'S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: give both, or neither (the AWS SDK then finds credentials itself)',
    );
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.GATEHOUSE_DATA_DIR);
  const publicOrigin = e.PUBLIC_ORIGIN ?? `http://localhost:${e.PORT}`;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    auditKeyFile: e.AUDIT_SIGNING_KEY_FILE
      ? path.resolve(e.AUDIT_SIGNING_KEY_FILE)
      : path.join(dataDir, 'audit-signing-key.pem'),
    databaseUrl: e.DATABASE_URL,
    appDatabaseUrl: e.APP_DATABASE_URL,
    syncDatabaseUrl: e.SYNC_DATABASE_URL,
    secret: e.GATEHOUSE_SECRET ? Buffer.from(e.GATEHOUSE_SECRET, 'utf8') : installationSecret(dataDir),
    trustProxy: (e.TRUST_PROXY as Config['trustProxy'] | undefined) ?? { kind: 'none' },
    publicOrigin,
    allowedOrigins: [...new Set([publicOrigin, ...e.CORS_ORIGINS])],
    logLevel: e.LOG_LEVEL,
    session: { idleMs: e.SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000 },
    sessionCache: {
      enabled: e.GATEHOUSE_SESSION_CACHE === 'on',
      maxEntries: e.SESSION_CACHE_MAX_ENTRIES,
      maxAgeMs: e.SESSION_CACHE_MAX_AGE_SECONDS * 1000,
    },
    passwordMinLength: e.PASSWORD_MIN_LENGTH,
    dormantDays: e.DORMANT_DAYS,
    digestHour: e.NOTIFICATION_DIGEST_HOUR,
    webhookWorkerMs: e.WEBHOOK_WORKER_MS,
    kineticSyncMs: e.KINETIC_SYNC_MS,
    dbPoolMax: e.DB_POOL_MAX,
    dbAcquireTimeoutMs: e.DB_ACQUIRE_TIMEOUT_MS,
    files: {
      store: e.FILES_STORE,
      dir: e.FILES_DIR ? path.resolve(e.FILES_DIR) : path.join(dataDir, 'files'),
      s3: e.FILES_STORE === 's3' && e.S3_BUCKET ? s3Settings(e, e.S3_BUCKET, e.S3_PREFIX) : undefined,
      maxBytes: Math.round(e.UPLOAD_MAX_MB * 1024 * 1024),
      expiryWarningDays: e.DOCUMENT_EXPIRY_WARNING_DAYS,
    },
    imports: {
      maxBytes: Math.round(e.IMPORT_MAX_MB * 1024 * 1024),
      maxCellChars: e.IMPORT_MAX_CELL_CHARS,
      staleSeconds: e.IMPORT_STALE_SECONDS,
      dir: path.join(dataDir, 'imports'),
    },
    approvals: { remindHours: e.APPROVAL_REMIND_HOURS, escalateHours: e.APPROVAL_ESCALATE_HOURS },
    supplierInvoices: {
      pricePct: e.SUPPLIER_INVOICE_PRICE_TOLERANCE_PCT,
      qtyPct: e.SUPPLIER_INVOICE_QUANTITY_TOLERANCE_PCT,
    },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, fileDir: path.join(dataDir, 'mail') },
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    backup: {
      dir: e.BACKUP_DIR ? path.resolve(e.BACKUP_DIR) : path.join(dataDir, 'backups'),
      recipient: e.BACKUP_RECIPIENT,
      identityFile: e.BACKUP_IDENTITY_FILE ? path.resolve(e.BACKUP_IDENTITY_FILE) : undefined,
      hour: e.BACKUP_HOUR,
      intervalHours: e.BACKUP_INTERVAL_HOURS,
      retain: { count: e.BACKUP_RETAIN_COUNT, days: e.BACKUP_RETAIN_DAYS },
      copyDir: e.BACKUP_COPY_DIR ? path.resolve(e.BACKUP_COPY_DIR) : undefined,
      s3: e.BACKUP_S3_BUCKET ? s3Settings(e, e.BACKUP_S3_BUCKET, e.BACKUP_S3_PREFIX) : undefined,
      scratchDir: e.BACKUP_SCRATCH_DIR ? path.resolve(e.BACKUP_SCRATCH_DIR) : undefined,
      checkpoint: e.BACKUP_CHECKPOINT,
      readBytesPerSecond: Math.round(e.BACKUP_READ_MB_PER_SECOND * 1_048_576),
    },
  };
}

/** A bucket with the S3_* connection settings (uploaded files and the backups' off-host copy share them). */
function s3Settings(e: Env, bucket: string, prefix: string): S3Settings {
  return {
    bucket,
    region: e.S3_REGION,
    endpoint: e.S3_ENDPOINT,
    prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    forcePathStyle: e.S3_FORCE_PATH_STYLE ? e.S3_FORCE_PATH_STYLE === 'true' : !!e.S3_ENDPOINT,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
  };
}

/**
 * CORS origins that are surely on another site than PUBLIC_ORIGIN: another scheme, or a host whose last
 * two labels differ (an IP address counts whole). Browsers do not send a SameSite=Lax cookie from such a
 * page, so an SPA there cannot sign in (docs/edge.md). Without the public-suffix list this misses some
 * cross-site pairs (two *.github.io sites), never calls a same-site pair cross-site.
 */
export function crossSiteCorsOrigins(config: Pick<Config, 'publicOrigin' | 'allowedOrigins'>): string[] {
  const site = (origin: string) => {
    const { protocol, hostname } = new URL(origin);
    const ip = /^[\d.]+$/.test(hostname) || hostname.startsWith('[');
    return `${protocol}//${ip ? hostname : hostname.split('.').slice(-2).join('.')}`;
  };
  const own = site(config.publicOrigin);
  return config.allowedOrigins.filter((o) => site(o) !== own);
}

/** Embedded default only: a random secret made on first start and kept with the data it protects. */
function installationSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}
