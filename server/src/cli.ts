import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { email as emailSchema } from '@gatehouse/contract';
import { mailRepo } from '@gatehouse/db';
import { createCheckpoint, verifyCheckpoints } from './audit/checkpoints.ts';
import { loadAuditSigner } from './audit/signing.ts';
import { verifyAuditChains } from './audit/verify.ts';
import { systemClock } from './auth/sessions.ts';
import { mailTransport, openDatabase } from './boot.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DomainError, EmbeddedStartError, MigrationError } from './errors.ts';
import { suspendDormant } from './jobs/dormant.ts';
import { createLogger } from './logger.ts';
import { seedDemo } from './services/demo.ts';
import { markExpiries } from './services/documents.ts';
import { SYSTEM_SCOPE } from './services/scope.ts';
import { createFirstAdmin } from './services/setup.ts';
import { createLoader, dropLoader, mergeStaged, purgeStaging, rotateLoader } from './services/sql-staging.ts';

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
  mail           list the newest mail in the outbox (to, subject, status, where the file is)
  suspend-dormant  suspend accounts unused for DORMANT_DAYS (default 90) now; the server also runs
                 this hourly
  document-expiry  mark approved compliance documents expiring (DOCUMENT_EXPIRY_WARNING_DAYS, default
                 30) or expired now and mail the suppliers and reviewers; the server also runs this hourly
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
      'sql-loader',
      'sql-staging',
    ].includes(command)
  ) {
    console.error(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  const config = loadConfig();
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
    } else if (command === 'suspend-dormant') {
      const n = await suspendDormant(database.db, systemClock, config.dormantDays);
      console.log(`Suspended ${n} account(s) unused for ${config.dormantDays} days.`);
    } else if (command === 'document-expiry') {
      const n = await markExpiries(database.db, systemClock, config.files.expiryWarningDays, config.publicOrigin);
      console.log(`Marked ${n.expiring} document(s) expiring and ${n.expired} expired; the mail is in the outbox.`);
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

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  if (
    e instanceof ConfigError ||
    e instanceof EmbeddedStartError ||
    e instanceof MigrationError ||
    e instanceof DomainError
  ) {
    console.error(e.message);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
