import { z } from 'zod';
import { cidr, isoTime } from './auth-schemas.ts';

/** The Kinetic streams, in run order (parents before children): server/src/integration/kinetic/streams.ts. */
export const KINETIC_STREAMS = [
  'customers',
  'suppliers',
  'orders',
  'order-lines',
  'invoices',
  'shipments',
  'purchase-orders',
] as const;

const secret = (what: string) =>
  z
    .string()
    .max(2_000)
    .optional()
    .meta({ description: `${what}; omit (or leave empty) to keep the stored one. Never sent back.` });

export const kineticSaveInput = z.object({
  baseUrl: z
    .string()
    .trim()
    .max(500)
    .pipe(z.url({ protocol: /^https?$/, error: 'Give the server’s address, e.g. https://erp.example.com.' }))
    .refine((u) => !new URL(u).username && !new URL(u).password, 'Put no user name or password in the URL.'),
  instance: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'The instance name as in the URL, e.g. KineticLive.'),
  company: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,50}$/, 'The Kinetic company id, e.g. EPIC06.'),
  authMode: z.enum(['basic', 'bearer']),
  username: z.string().trim().min(1, 'Required.').max(200),
  apiKey: secret('The API key'),
  password: secret('The service account’s password'),
  caBundle: z
    .string()
    .trim()
    .max(100_000)
    .refine(
      (v) => v === '' || v.includes('-----BEGIN CERTIFICATE-----'),
      'Paste PEM certificates (-----BEGIN CERTIFICATE-----).',
    )
    .default(''),
  allowedCidrs: z.array(cidr).max(20).default([]),
  settleSeconds: z.number().int().min(0).max(3_600).default(120),
  pageSize: z.number().int().min(10).max(1_000).default(500),
  suspendInactive: z.boolean().default(true),
});

export const kineticStreamInput = z.object({
  stream: z.enum(KINETIC_STREAMS),
  enabled: z.boolean(),
  mode: z.enum(['bo', 'baq']),
  pollSeconds: z.number().int().min(15).max(900),
});

/**
 * Write-back (docs/kinetic.md): off; `efx`: the Gatehouse function library, the UD queue for event types
 * without a function; `ud`: the UD queue for everything. Bank details and credit memos are never written.
 */
export const KINETIC_WRITEBACK_MODES = ['off', 'efx', 'ud'] as const;
export const KINETIC_WRITEBACK_STATES = ['pending', 'sent', 'confirmed', 'dead', 'skipped', 'overridden'] as const;
export const kineticWritebackInput = z.object({
  mode: z.enum(KINETIC_WRITEBACK_MODES),
  /** A write-back Kinetic accepted whose echo no sync has seen after this long raises an alert. */
  confirmTimeoutHours: z.number().int().min(1).max(720).default(24),
});

export const KINETIC_TEST_OUTCOMES = ['ok', 'dns_tls', 'auth', 'scope', 'not_found', 'unreachable'] as const;
export const kineticTestOutput = z.object({
  outcome: z.enum(KINETIC_TEST_OUTCOMES),
  message: z.string(),
});

export const kineticOkOutput = z.object({ ok: z.literal(true) });

export const kineticStatusOutput = z.object({
  connection: z
    .object({
      baseUrl: z.string(),
      instance: z.string(),
      company: z.string(),
      authMode: z.enum(['basic', 'bearer']),
      username: z.string(),
      hasApiKey: z.boolean(),
      hasPassword: z.boolean(),
      caBundle: z.string(),
      allowedCidrs: z.array(z.string()),
      settleSeconds: z.number().int(),
      pageSize: z.number().int(),
      suspendInactive: z.boolean(),
      state: z.enum(['ok', 'auth_failed', 'error']),
      stateReason: z.string().nullable(),
      stateAt: isoTime.nullable(),
      updatedAt: isoTime,
    })
    .nullable(),
  streams: z.array(
    z.object({
      stream: z.enum(KINETIC_STREAMS),
      enabled: z.boolean(),
      mode: z.enum(['bo', 'baq']),
      pollSeconds: z.number().int(),
      lastRunAt: isoTime.nullable(),
      lastSuccessAt: isoTime.nullable(),
      /** Seconds since the stream last read to the end (null: never). */
      lagSeconds: z.number().int().nullable(),
      lastError: z.string().nullable(),
      lastRunRows: z.number().int(),
      rowsTotal: z.number().int(),
      rejects: z.number().int(),
    }),
  ),
  writeback: z.object({
    mode: z.enum(KINETIC_WRITEBACK_MODES),
    confirmTimeoutHours: z.number().int(),
    counts: z.record(z.enum(KINETIC_WRITEBACK_STATES), z.number().int()),
    /** The newest write-backs, dead and skipped ones with their reasons. */
    recent: z.array(
      z.object({
        eventId: z.string(),
        type: z.string(),
        route: z.enum(['efx', 'ud', 'skip']),
        target: z.string().nullable(),
        state: z.enum(KINETIC_WRITEBACK_STATES),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        createdAt: isoTime,
        sentAt: isoTime.nullable(),
        confirmedAt: isoTime.nullable(),
      }),
    ),
  }),
  rejects: z.array(
    z.object({
      stream: z.string(),
      erpKey: z.string(),
      reason: z.string(),
      firstSeen: isoTime,
      lastSeen: isoTime,
      attempts: z.number().int(),
    }),
  ),
});
