import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { email as emailSchema } from '@gatehouse/contract';
import { mailRepo } from '@gatehouse/db';
import { createCheckpoint, verifyCheckpoints } from './audit/checkpoints.ts';
import { loadAuditSigner } from './audit/signing.ts';
import { verifyAuditChains } from './audit/verify.ts';
import { systemClock } from './auth/sessions.ts';
import { createFirstAdmin } from './auth/setup.ts';
import { BackupCheckError, BackupNotConfigured } from './backup/errors.ts';
import { mailTransport, openDatabase } from './boot.ts';
import { ConfigError, loadConfig } from './config.ts';
import { markExpiries } from './documents/documents.ts';
import { DomainError, EmbeddedStartError, MigrationError } from './errors.ts';
import { copyBlobs } from './files/copy.ts';
import { fsBlobStore } from './files/store.ts';
import { openBlobStore } from './files/stores.ts';
import { createLoader, dropLoader, mergeStaged, purgeStaging, rotateLoader } from './integration/sql-staging.ts';
import { createLogger } from './logger.ts';
import { seedDemo } from './parties/demo.ts';
import { SYSTEM_SCOPE } from './parties/scope.ts';
import { suspendDormant } from './users/dormant.ts';
import { announceExpiring } from './users/notification-sources.ts';

const HELP = `Usage: pnpm gatehouse <command>

Commands:
  migrate        apply database migrations (the server also does this on start)
  create-admin   create the first system administrator
                 (--email, --name, --organisation; the password is read from GATEHOUSE_ADMIN_PASSWORD
                 or asked for on the terminal, never taken as an argument)
  seed-demo      load the demo data set and print its sign-ins (refused if real accounts exist)
  audit verify   walk every audit hash chain and check the signed checkpoints (--public-key FILE to use
                 an auditor's copy of the key); report the first entry changed, removed, inserted or
                 reordered, or history rewritten before a checkpoint (exit code 1)
  audit checkpoint  sign the current chain heads now (the server also does this hourly)
  backup         take an encrypted backup now (database, uploaded files, keys) into BACKUP_DIR
  backup verify [BACKUP] [--identity FILE] [--public-key FILE]
                 restore BACKUP (default: the newest) into a scratch PostgreSQL and check it: checksums,
                 migrations, row counts, audit chains and checkpoints, document files (exit code 1 if not)
  backup fetch [BACKUP]
                 download a backup (default: the newest complete one) from BACKUP_S3_BUCKET into BACKUP_DIR,
                 each part checked against its manifest; then backup verify or restore it. Needs no database
  backup keygen --out FILE
                 make an age identity (keep it off this server) and print its public key for BACKUP_RECIPIENT
  restore BACKUP --target DIR [--identity FILE] [--force]
                 restore a backup into a new data directory (start Gatehouse with GATEHOUSE_DATA_DIR=DIR);
                 a non-empty DIR is refused without --force, a running one always
  mail           list the newest mail in the outbox (to, subject, status, where the file is)
  suspend-dormant  suspend accounts unused for DORMANT_DAYS (default 90) now; the server also runs
                 this hourly
  document-expiry  mark approved compliance documents expiring (DOCUMENT_EXPIRY_WARNING_DAYS, default
                 30) or expired now and mail the suppliers and reviewers; the server also runs this hourly
  files import   copy every uploaded file from FILES_DIR (the fs store) into the store FILES_STORE names
                 (postgres or s3), checking each against its SHA-256; safe to re-run. Run it once when
                 moving to several instances, before starting them on the shared store
  sql-loader create|rotate|drop <name>
                 SQL staging (docs/sql-staging.md): make, re-password or remove the database login role
                 gh_loader_<name> an ERP uses to push rows into erp_staging; create and rotate print the
                 password once (create: --connections N, default 4; --statement-timeout D, default 120s)
  sql-staging merge  merge the complete staged batches now (the server also does this every 10 s)
  help           show this text

With no DATABASE_URL the embedded PostgreSQL under GATEHOUSE_DATA_DIR (./data) is used; if a
Gatehouse server is running on it, the command connects to that server's database.`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function askHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY)
    throw new DomainError('BAD_REQUEST', 'Set GATEHOUSE_ADMIN_PASSWORD (no terminal to ask on).');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  out._writeToOutput = (s: string) => out.output.write(s.includes(question) ? s : '');
  try {
    return await rl.question(question);
  } finally {
    rl.close();
    process.stdout.write('\n');
  }
}

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(HELP);
    return command ? 0 : 2;
  }
  if (
    ![
      'migrate',
      'create-admin',
      'seed-demo',
      'mail',
      'suspend-dormant',
      'document-expiry',
      'audit',
      'backup',
      'restore',
      'files',
      'sql-loader',
      'sql-staging',
    ].includes(command)
  ) {
    console.error(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  const config = loadConfig();
  // These need no database: a fetch and a restore goes into a new directory, and a key is made offline.
  if (command === 'restore') return restore(config, args);
  if (command === 'backup' && args[0] === 'fetch') {
    const { backupBucket } = await import('./backup/service.ts');
    const { fetchFromS3 } = await import('./backup/s3-copy.ts');
    const bucket = backupBucket(config);
    if (!bucket) throw new DomainError('BAD_REQUEST', 'Set BACKUP_S3_BUCKET (and the S3_* settings) to fetch from it.');
    const which = args[1] && !args[1].startsWith('--') ? args[1] : undefined;
    const got = await fetchFromS3(bucket, config.backup.dir, which);
    console.log(`Fetched ${got.id} into ${got.path}; check it with "pnpm gatehouse backup verify ${got.id}".`);
    return 0;
  }
  if (command === 'backup' && args[0] === 'keygen') {
    const out = flag(args, 'out');
    if (!out) throw new DomainError('BAD_REQUEST', 'Give the file for the new identity: --out FILE.');
    const { generateBackupKey } = await import('./backup/restore.ts');
    const recipient = await generateBackupKey(out);
    console.log(`Wrote the identity to ${out} (keep it off this server).\nBACKUP_RECIPIENT=${recipient}`);
    return 0;
  }
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const database = await openDatabase(config, log, { attach: true });
  try {
    if (command === 'migrate') {
      console.log('Database is up to date.');
    } else if (command === 'create-admin') {
      const email = emailSchema.safeParse(flag(args, 'email') ?? '');
      if (!email.success) throw new DomainError('BAD_REQUEST', '--email must be a valid email address.');
      const displayName = flag(args, 'name') ?? 'System administrator';
      const organisationName = flag(args, 'organisation') ?? 'Our organisation';
      const password =
        process.env.GATEHOUSE_ADMIN_PASSWORD ?? (await askHidden('Password for the new administrator: '));
      // The same rules as every other new password (length, personal, common list), said by rule.
      await createFirstAdmin(
        database.db,
        { email: email.data, displayName, organisationName, password },
        { cli: true },
        {},
        config.passwordMinLength,
      );
      console.log(`Created system administrator ${email.data}. Sign in at ${config.publicOrigin}`);
    } else if (command === 'audit') {
      const signer = loadAuditSigner(config.auditKeyFile);
      if (args[0] === 'checkpoint') {
        const { id, chains } = await createCheckpoint(database.db, signer, systemClock);
        console.log(`Signed checkpoint ${id} of ${chains} chain(s). Public key:\n${signer.publicKeyPem}`);
        return 0;
      }
      if (args[0] !== 'verify') {
        console.error(`Unknown audit command "${args[0] ?? ''}": try "pnpm gatehouse audit verify".`);
        return 2;
      }
      const result = await verifyAuditChains(database.db);
      if (result.problem) {
        console.error(
          `Audit log NOT intact: ${result.problem.message} (chain ${result.problem.chainKey}, seq ${result.problem.seq}).`,
        );
        return 1;
      }
      // An auditor may pass the public key it was given, instead of trusting the key file on this host.
      const publicKey = flag(args, 'public-key');
      const cps = await verifyCheckpoints(
        database.db,
        publicKey ? readFileSync(publicKey, 'utf8') : signer.publicKeyPem,
      );
      if (cps.problem) {
        console.error(`Audit log NOT intact: ${cps.problem.message}.`);
        return 1;
      }
      console.log(
        `Audit log intact: ${result.entries} entries in ${result.chains} chain(s); ${cps.checked} signed checkpoint(s) hold.`,
      );
    } else if (command === 'backup') {
      // A backup or drill reads, encrypts and hashes gigabytes: at the lowest CPU and I/O priority (every
      // thread), the portal (and its PostgreSQL) keep the cores and the disk they need and the backup takes
      // what is left (see the benchmark).
      const { lowerPriority } = await import('./backup/pace.ts');
      await lowerPriority(process.pid);
      const { runBackup, runVerify } = await import('./backup/service.ts');
      const deps = {
        config,
        db: database.db,
        ownerUrl: database.ownerUrl,
        store: openBlobStore(config, database.db),
        signer: loadAuditSigner(config.auditKeyFile),
        clock: systemClock,
      };
      if (args[0] === 'verify') {
        const which = args[1] && !args[1].startsWith('--') ? args[1] : undefined;
        const report = await runVerify(deps, {
          backup: which,
          identityFile: flag(args, 'identity'),
          publicKeyFile: flag(args, 'public-key'),
        });
        for (const c of report.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
        if (!report.ok) {
          console.error(`Backup ${report.backupId || '(none)'} did NOT verify: ${report.failure}`);
          return 1;
        }
        console.log(`Backup ${report.backupId} verified in ${(report.durationMs / 1000).toFixed(1)} s.`);
        return 0;
      }
      if (args[0]) {
        console.error(
          `Unknown backup command "${args[0]}": try "pnpm gatehouse backup", "backup verify", "backup fetch" or "backup keygen".`,
        );
        return 2;
      }
      const r = await runBackup(deps);
      const m = r.manifest;
      console.log(`Backup ${r.id} written to ${r.path} in ${(m.durationMs / 1000).toFixed(1)} s:`);
      for (const p of m.parts) console.log(`  ${p.name}: ${p.bytes} bytes, SHA-256 ${p.sha256}`);
      console.log(`  ${m.files.count} uploaded file(s), keys: ${m.keys.join(', ') || 'none'}`);
      if (m.database.included) {
        const tables = Object.keys(m.database.rowCounts).length;
        console.log(
          `  database: ${tables} tables as at ${m.database.consistentAt} (writes held ${m.database.writesHeldMs} ms; ` +
            `${m.database.checkpoint ?? 'fast'} checkpoint ${m.database.checkpointMs ?? '?'} ms)`,
        );
      } else {
        console.log(`  The database was NOT backed up: ${m.database.reason}.`);
      }
      if (r.copiedTo) console.log(`  copied to ${r.copiedTo}`);
      if (r.s3CopiedTo) console.log(`  copied to ${r.s3CopiedTo}`);
      if (r.removed.length > 0) console.log(`  removed by retention: ${r.removed.join(', ')}`);
    } else if (command === 'suspend-dormant') {
      const n = await suspendDormant(database.db, systemClock, config.dormantDays);
      console.log(`Suspended ${n} account(s) unused for ${config.dormantDays} days.`);
    } else if (command === 'document-expiry') {
      const n = await markExpiries(database.db, systemClock, config.files.expiryWarningDays, config.publicOrigin);
      const told = await announceExpiring(database.db, { config, clock: systemClock }, [
        config.files.expiryWarningDays,
        7,
      ]);
      console.log(
        `Marked ${n.expiring} document(s) expiring and ${n.expired} expired, announced ${told} expiring; the mail is in the outbox.`,
      );
    } else if (command === 'mail') {
      const rows = await database.db.read(SYSTEM_SCOPE, (tx) => mailRepo.recent(tx, 50));
      if (rows.length === 0) console.log('The outbox is empty.');
      const transport = mailTransport(config);
      console.log(`Delivery: ${transport.description}\n`);
      console.table(
        rows.map((m) => ({
          created: m.createdAt.toISOString(),
          to: m.toAddress,
          subject: m.subject,
          status: m.sentAt ? 'sent' : m.lastError ? `retrying (${m.lastError})` : 'queued',
          file: config.mail.smtpUrl || !m.sentAt ? '' : path.join(config.mail.fileDir, `${m.id}.eml`),
        })),
      );
    } else if (command === 'files') {
      if (args[0] !== 'import') {
        console.error(`Unknown files command "${args[0] ?? ''}": try "pnpm gatehouse files import".`);
        return 2;
      }
      if (config.files.store === 'fs') {
        console.error('FILES_STORE is fs: set it to postgres or s3 (and its settings) to import FILES_DIR into it.');
        return 2;
      }
      const result = await copyBlobs(fsBlobStore(config.files.dir), openBlobStore(config, database.db));
      console.log(
        `Imported ${result.copied} file(s) from ${config.files.dir} into the ${config.files.store} store; ${result.skipped} were there already.`,
      );
      if (result.corrupt.length > 0) {
        console.error(
          `${result.corrupt.length} file(s) do not match their SHA-256 and were NOT imported:\n${result.corrupt.join('\n')}`,
        );
        return 1;
      }
    } else if (command === 'sql-loader') {
      const [verb, name] = args;
      const owner = { db: database.db, ownerUrl: database.ownerUrl };
      if (verb === 'create' || verb === 'rotate') {
        const connections = flag(args, 'connections');
        const { role, password } =
          verb === 'create'
            ? await createLoader(owner, name ?? '', {
                connectionLimit: connections === undefined ? undefined : Number(connections),
                statementTimeout: flag(args, 'statement-timeout'),
              })
            : await rotateLoader(owner, name ?? '');
        console.log(
          `Loader ${name}: role ${role}, password (shown only now):\n${password}\n\nConnect to database ` +
            `"${new URL(database.ownerUrl).pathname.slice(1)}" as ${role}; see docs/sql-staging.md.`,
        );
      } else if (verb === 'drop') {
        const { role } = await dropLoader(owner, name ?? '');
        console.log(`Dropped loader ${name} (role ${role}); its unmerged rows are purged within a day.`);
      } else {
        console.error('Usage: pnpm gatehouse sql-loader create|rotate|drop <name>');
        return 2;
      }
    } else if (command === 'sql-staging') {
      if (args[0] !== 'merge' || !database.syncDb) {
        console.error(
          database.syncDb
            ? 'Usage: pnpm gatehouse sql-staging merge'
            : 'ERP writes are not configured (SYNC_DATABASE_URL), so nothing can be merged.',
        );
        return 2;
      }
      const n = await mergeStaged(database.syncDb, () => new Date(systemClock.now()));
      const purged = await purgeStaging(database.syncDb, new Date(systemClock.now()));
      console.log(
        `Merged ${n.merged} batch(es); ${n.rejected} rejected, ${n.failed} failed (count mismatch). ` +
          `Purged ${purged.rows} stale staged row(s) and ${purged.results} old result(s).`,
      );
    } else if (command === 'seed-demo') {
      const signIns = await seedDemo(database.db);
      console.log('Demo data loaded (marked as demo). Sign-ins — passwords are shown only now:\n');
      console.table(signIns);
    }
    return 0;
  } finally {
    await database.close();
  }
}

async function restore(config: ReturnType<typeof loadConfig>, args: string[]): Promise<number> {
  const which = args[0] && !args[0].startsWith('--') ? args[0] : undefined;
  const target = flag(args, 'target');
  const identityFile = flag(args, 'identity') ?? config.backup.identityFile;
  if (!which || !target || !identityFile) {
    console.error('Usage: pnpm gatehouse restore BACKUP --target DIR [--identity FILE] [--force]');
    return 2;
  }
  const { readIdentity, resolveBackup, restoreBackup } = await import('./backup/restore.ts');
  const backup = await resolveBackup(config.backup.dir, which);
  const { manifest } = await restoreBackup({
    backup,
    identity: await readIdentity(identityFile),
    target,
    force: args.includes('--force'),
  });
  console.log(`Restored ${manifest.id} into ${path.resolve(target)}.`);
  if (manifest.database.included) {
    console.log(
      `Start Gatehouse on it with GATEHOUSE_DATA_DIR=${path.resolve(target)}: the first start replays the WAL to ${manifest.database.consistentAt}.`,
    );
  } else {
    console.log(`It holds no database (${manifest.database.reason}): restore that with your PostgreSQL tools.`);
  }
  console.log(`Uploaded files are in ${path.join(path.resolve(target), 'files')} (FILES_DIR).`);
  return 0;
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  if (
    e instanceof ConfigError ||
    e instanceof EmbeddedStartError ||
    e instanceof MigrationError ||
    e instanceof DomainError ||
    e instanceof BackupNotConfigured ||
    e instanceof BackupCheckError
  ) {
    console.error(e.message);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
