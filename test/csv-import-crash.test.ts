import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { appUrlFrom, createDatabase, type Database, freeLoopbackPort } from '@gatehouse/db';
import { appRolePassword, contextKey } from '@gatehouse/server/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { client, createPartyWithUser } from './support/harness.ts';
import { steps } from './support/steps.ts';

/**
 * A CSV import killed mid-apply (SIGKILL of the built server, as production runs it): nothing of it is
 * committed (the apply phase is one transaction), and after a restart the job shows as failed.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const children: ChildProcess[] = [];
let tmp: string;
let ownerUrl: string;
let owner: postgres.Sql;
let db: Database;
let port: number;
const origin = () => `http://127.0.0.1:${port}`;

function spawnServer() {
  const child = spawn(process.execPath, ['--enable-source-maps', 'server/dist/main.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: ownerUrl,
      GATEHOUSE_SECRET: inject('testSecret'),
      GATEHOUSE_DATA_DIR: path.join(tmp, 'data'),
      PUBLIC_ORIGIN: origin(),
      IMPORT_STALE_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, output: () => out, exited };
}

async function ready(p: ReturnType<typeof spawnServer>, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}: ${p.output()}`);
    try {
      if ((await fetch(`${origin()}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready: ${p.output()}`);
}

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'pipe' });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gh-csv-crash-'));
  const name = `gh_csv_crash_${process.pid}`;
  const admin = postgres(`${inject('clusterUrl')}postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  ownerUrl = `${inject('clusterUrl')}${name}`;
  port = await freeLoopbackPort();
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await owner?.end();
  await db?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('a CSV import killed mid-apply', () => {
  it('commits nothing, and its job shows as failed after a restart', async () => {
    const step = steps();
    step('a server, a key and a large import');
    const first = spawnServer();
    await ready(first);
    owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
    await owner`update roles set require_totp = false`;
    const secret = Buffer.from(inject('testSecret'));
    db = createDatabase({ appUrl: appUrlFrom(ownerUrl, appRolePassword(secret)), contextKey: contextKey(secret) });
    const u = await createPartyWithUser(db, 'internal', ['system-admin']);
    const c = client(origin());
    await c.auth.login.mutate(u);
    const { token } = await c.integrations.createKey.mutate({
      integrationName: 'Crash ERP',
      scopes: ['parties:write', 'orders:write'],
      ipAllowlist: ['0.0.0.0/0', '::/0'],
      expiresInDays: 30,
    });
    const post = (entity: string, body: string) =>
      fetch(`${origin()}/api/v1/imports/${entity}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
      });
    const parties = await post('parties', 'kind,ref,name\ncustomer,CRASH-1,Crash customer\n');
    expect(parties.status).toBe(202);
    const partiesJob = ((await parties.json()) as { id: string }).id;
    for (let i = 0; i < 100; i++) {
      const [j] = await owner`select phase from import_jobs where id = ${partiesJob}`;
      if (j?.phase === 'done') break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const rows = [
      'key,customer,number,status,orderDate,currency,total,line.lineNo,line.sku,line.description,line.quantity,line.unitPrice,line.amount',
    ];
    for (let i = 1; i <= 60_000; i++)
      rows.push(`CR-${i},CRASH-1,SO-${i},open,2026-01-05,EUR,10.00,1,W-1,Widget,1,10.00,10.00`);
    const res = await post('orders', `${rows.join('\n')}\n`);
    expect(res.status).toBe(202);
    const jobId = ((await res.json()) as { id: string }).id;
    step('kill the server while it applies');
    // Wait until it is applying and has written some records (inside its transaction), then kill it.
    let applying = false;
    for (let i = 0; i < 1200 && !applying; i++) {
      const [j] = await owner`select phase, records_applied from import_jobs where id = ${jobId}`;
      applying = j?.phase === 'apply' && Number(j.records_applied) > 0;
      if (j?.phase === 'failed' || (j?.phase === 'done' && !applying))
        throw new Error(`the import ended (${j.phase}) before the kill`);
      if (j?.phase === 'done' || j?.phase === 'failed')
        throw new Error(`the import ended (${j.phase}) before the kill`);
      if (!applying) await new Promise((r) => setTimeout(r, 50));
    }
    expect(applying).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    step('nothing committed; the job fails after a restart');
    const [n] = await owner`select count(*)::int as n from orders where erp_key like 'CR-%'`;
    expect(n?.n).toBe(0);
    const [stuck] = await owner`select phase from import_jobs where id = ${jobId}`;
    expect(stuck?.phase).toBe('apply');
    expect(existsSync(path.join(tmp, 'data', 'imports', `${jobId}.csv`))).toBe(true);

    await new Promise((r) => setTimeout(r, 1_500));
    const second = spawnServer();
    await ready(second);
    const [after] = await owner`select phase, message, finished_at from import_jobs where id = ${jobId}`;
    expect(after?.phase).toBe('failed');
    expect(after?.message).toMatch(/server stopped while this import ran; nothing of it was applied/);
    // Its upload is gone from the data directory too.
    expect(existsSync(path.join(tmp, 'data', 'imports', `${jobId}.csv`))).toBe(false);
    const view = await fetch(`${origin()}/api/v1/imports/${jobId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await view.json()) as { phase: string }).phase).toBe('failed');
    const [m] = await owner`select count(*)::int as n from orders where erp_key like 'CR-%'`;
    expect(m?.n).toBe(0);
    step('the source is free again');
    // The source is free again: a new import runs.
    const again = await post(
      'orders',
      'key,customer,number,status,orderDate,currency,total\nCR-X,CRASH-1,SO-X,open,2026-01-05,EUR,1.00\n',
    );
    expect(again.status).toBe(202);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 240_000);
});
