import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '@gatehouse/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `pnpm start` as a user runs it: the built server (server/dist/main.mjs, rebuilt here from the sources)
 * as a real process on the embedded PostgreSQL, stopped by signals. The CLI runs from source (tsx).
 */
const ROOT = path.resolve(import.meta.dirname, '..');
let dir: string;
let port: number;
const children: ChildProcess[] = [];

const SERVER = 'server/dist/main.mjs';

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'pipe' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'gh-life-'));
  await chmod(dir, 0o711);
  port = await freeLoopbackPort();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function run(script: string, env: Record<string, string>, args: string[] = []) {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : ['--enable-source-maps'];
  const child = spawn(process.execPath, [...loader, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, GATEHOUSE_DATA_DIR: path.join(dir, 'data'), PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watch(child);
}

/** Collects a spawned process's output and exit code; afterAll kills it if a test left it running. */
function watch(child: ChildProcess) {
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function ready(p: { child: ChildProcess; output(): string }, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}: ${p.output()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not ready: ${p.output()}`);
}

/** /readyz answers as soon as the server listens; the setup link is printed just after. */
async function outputMatching(p: { output(): string }, re: RegExp, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (!re.test(p.output()) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return p.output();
}

const pidFile = () => path.join(dir, 'data', 'postgres', 'cluster', 'postmaster.pid');

// Each test starts whole servers (initdb, 38 migrations, PostgreSQL start and stop): on a loaded 2-core machine
// that alone can take 30 s, so these get a wider per-test timeout than the suite's default (no timing is asserted).
describe('pnpm start on the embedded database', { timeout: 120_000 }, () => {
  let signIn: { email: string; password: string };

  it('starts on an empty data directory, prints a setup link, and stops cleanly on SIGTERM', async () => {
    const p = run(SERVER, {});
    await ready(p);
    expect(await outputMatching(p, /\/setup#token=[a-z2-7]+/)).toMatch(/\/setup#token=[a-z2-7]+/);
    expect(p.output()).not.toMatch(/password/i);
    expect(p.output()).toMatch(/running at \S+ on Node 2[4-9]\./); // the startup line names a supported runtime
    // The CLI attaches to the running server's database rather than refusing.
    const seed = run('server/src/cli.ts', {}, ['seed-demo']);
    expect(await seed.exited).toBe(0);
    const match = /(customer-user@acme-retail\.demo\.example)'\s*│\s*'([^']+)'/.exec(seed.output());
    expect(match).not.toBeNull();
    signIn = { email: match?.[1] as string, password: match?.[2] as string };
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(existsSync(pidFile())).toBe(false); // PostgreSQL stopped with it
    expect(p.output()).not.toMatch(/TypeError|at \w+ \(/);
  });

  it('a second start reuses the data', async () => {
    const p = run(SERVER, {});
    await ready(p);
    const res = await fetch(`http://127.0.0.1:${port}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://localhost:${port}` },
      body: JSON.stringify(signIn),
    });
    expect(res.status).toBe(200);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });

  it('recovers after the previous server was killed with SIGKILL (orphaned PostgreSQL, stale lock)', async () => {
    const p = run(SERVER, {});
    await ready(p);
    p.child.kill('SIGKILL');
    await p.exited;
    expect(existsSync(pidFile())).toBe(true); // its PostgreSQL is still running
    const again = run(SERVER, {});
    await ready(again);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('refuses a second server on the same data with a clear message, no stack trace', async () => {
    const first = run(SERVER, {});
    await ready(first);
    const second = run(SERVER, { PORT: String(await freeLoopbackPort()) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/is in use by process \d+/);
    expect(second.output()).not.toMatch(/\n\s+at /);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('pnpm gatehouse create-admin makes the first admin (password from the environment, never an argument)', async () => {
    // Its own, empty installation: the demo data above already holds a system admin.
    const fresh = { GATEHOUSE_DATA_DIR: path.join(dir, 'fresh') };
    const password = 'a long enough admin password';
    const bad = run('server/src/cli.ts', { ...fresh, GATEHOUSE_ADMIN_PASSWORD: password }, [
      'create-admin',
      '--email',
      'not-an-email',
    ]);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/--email must be a valid email address/);
    const ok = run('server/src/cli.ts', { ...fresh, GATEHOUSE_ADMIN_PASSWORD: password }, [
      'create-admin',
      '--email',
      'Root@Example.com',
      '--organisation',
      'Northwind',
    ]);
    expect(await ok.exited).toBe(0);
    expect(ok.output()).toMatch(/Created system administrator root@example\.com/);
    expect(ok.output()).not.toContain(password);
    const again = run('server/src/cli.ts', { ...fresh, GATEHOUSE_ADMIN_PASSWORD: password }, [
      'create-admin',
      '--email',
      'x@example.com',
    ]);
    expect(await again.exited).toBe(1);
    expect(again.output()).toMatch(/already exists/);
    const p = run(SERVER, fresh);
    await ready(p);
    const res = await fetch(`http://127.0.0.1:${port}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://localhost:${port}` },
      body: JSON.stringify({ email: 'root@example.com', password }),
    });
    expect(res.status).toBe(200);
    expect(await outputMatching(p, /Gatehouse is running/)).not.toMatch(/setup#token/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('reports bad configuration plainly and exits 78', async () => {
    const p = run(SERVER, { PORT: 'eighty', TRUST_PROXY: 'true' });
    expect(await p.exited).toBe(78);
    expect(p.output()).toMatch(/PORT/);
    expect(p.output()).not.toMatch(/\n\s+at /);
  });
});

/**
 * `pnpm start` as systemd or a container runtime sees it: they signal the main process (pnpm, or the
 * process it starts). It ran the server behind `sh -c`, so SIGTERM reached only the shell and left the
 * server and PostgreSQL running as orphans.
 */
describe('pnpm start and signals', { timeout: 120_000 }, () => {
  const pnpmBin = execFileSync('sh', ['-c', 'command -v pnpm'], { encoding: 'utf8' }).trim();

  /** Direct children of a process, from /proc. */
  function childrenOf(pid: number): number[] {
    const out: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) out.push(Number(entry));
      } catch {}
    }
    return out;
  }
  /** Live processes whose command line names `dataDir` (the embedded PostgreSQL runs with -D <dir>). */
  function processesUsing(dataDir: string): number[] {
    const out: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // exited, not yet reaped
        if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dataDir)) out.push(Number(entry));
      } catch {}
    }
    return out;
  }
  function isGone(pid: number): boolean {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
    } catch {
      return true;
    }
  }
  async function until(check: () => boolean, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (check()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return check();
  }

  function pnpmStart(dataDir: string) {
    // As from a user's shell or a supervisor: without the node_modules/.bin entries that `pnpm test` put on
    // this PATH (there, pnpm's own shebang would find pnpm's node shim, a shell, in front of pnpm itself).
    const PATH = (process.env.PATH ?? '')
      .split(':')
      .filter((d) => !d.includes('node_modules'))
      .join(':');
    const child = spawn(pnpmBin, ['start'], {
      cwd: ROOT,
      env: { ...process.env, PATH, GATEHOUSE_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return watch(child);
  }

  /**
   * The installation the tests above made (a new one when these run alone), started again by each test below
   * as after any restart: each stops its server and PostgreSQL before it ends, and what they test is the
   * stop, not the first start. A fresh directory per test cost an initdb and every migration each.
   */
  const signalsData = () => path.join(dir, 'data');

  afterAll(() => {
    // Only when a test failed: a PostgreSQL left behind under this file's directory.
    for (const pid of processesUsing(dir)) process.kill(pid, 'SIGKILL');
  });

  it('at a terminal the bundle logs readable lines (pino-pretty), and METRICS_PORT serves /metrics there only', async () => {
    const dataDir = signalsData();
    const metricsPort = await freeLoopbackPort();
    // script(1) gives the server a pseudo-terminal as stdout; exec, so its child is the server itself.
    const child = spawn('script', ['-qec', `exec ${process.execPath} ${SERVER}`, '/dev/null'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        GATEHOUSE_DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: 'info',
        METRICS_PORT: String(metricsPort),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const p = watch(child);
    await ready(p, 120_000);
    expect(await outputMatching(p, /Gatehouse is listening/)).toMatch(/INFO\S*: \S*Gatehouse is listening/);
    expect(p.output()).not.toContain('{"level":');
    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('gatehouse_job_runs_total');
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404); // no METRICS_TOKEN
    const [server] = childrenOf(child.pid as number);
    expect(server).toBeDefined();
    process.kill(server as number, 'SIGTERM');
    const pgDir = path.join(dataDir, 'postgres');
    expect(await until(() => isGone(server as number) && processesUsing(pgDir).length === 0, 10_000)).toBe(true);
    child.stdin?.end();
    await p.exited;
  }, 180_000);

  for (const target of ['the process pnpm starts', 'pnpm itself'] as const) {
    it(`SIGTERM to ${target} stops the server and its PostgreSQL within 10 s`, async () => {
      const dataDir = signalsData();
      const p = pnpmStart(dataDir);
      await ready(p, 120_000);
      expect(processesUsing(path.join(dataDir, 'postgres')).length).toBeGreaterThan(0); // PostgreSQL runs
      const pnpmPid = p.child.pid as number;
      const [server] = childrenOf(pnpmPid);
      expect(server).toBeDefined();
      const serverCommand = readFileSync(`/proc/${server}/cmdline`, 'utf8');
      const sent = Date.now();
      process.kill(target === 'pnpm itself' ? pnpmPid : (server as number), 'SIGTERM');
      const pgDir = path.join(dataDir, 'postgres');
      const stopped = await until(
        () =>
          isGone(server as number) &&
          processesUsing(pgDir).length === 0 &&
          !existsSync(path.join(pgDir, 'cluster', 'postmaster.pid')),
        10_000,
      );
      expect(stopped, p.output()).toBe(true);
      expect(Date.now() - sent).toBeLessThan(10_000);
      await p.exited;
      expect(p.output()).not.toMatch(/TypeError|\n\s+at /);
      // The process pnpm starts is the server itself: no shell in between.
      expect(serverCommand).toContain('scripts/start.mjs');
    }, 180_000);
  }
});
