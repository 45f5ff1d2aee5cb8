import { startServer } from './boot.ts';
import { ConfigError, loadConfig } from './config.ts';
import { EmbeddedStartError, MigrationError } from './errors.ts';
import { createLogger, wantsPrettyLogs } from './logger.ts';

/** `pnpm start`: the portal on one port, API and SPA together. */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const log = createLogger(config.logLevel, undefined, {
    pretty: wantsPrettyLogs(config.env, process.stdout.isTTY),
  });
  // Signals are handled from the first moment: one that arrives while starting waits for the start to
  // finish (or fail), then stops everything in order (HTTP, pool, PostgreSQL).
  const starting = startServer(config, log);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    starting
      .then((running) => running.stop())
      .then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // A database that goes away must not take the process with it: log, keep serving 503s.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

  let running: Awaited<typeof starting>;
  try {
    running = await starting;
  } catch (e) {
    if (e instanceof EmbeddedStartError || e instanceof MigrationError) {
      console.error(`Gatehouse cannot start: ${e.message}`);
      process.exit(1);
    }
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Gatehouse cannot start: port ${config.port} is in use. Set PORT to another port.`);
      process.exit(1);
    }
    throw e;
  }
  log.info(
    { url: running.url, database: config.databaseUrl ? 'external' : 'embedded', node: process.versions.node },
    'Gatehouse is listening',
  );
  console.log(`\nGatehouse is running at ${config.publicOrigin} on Node ${process.versions.node}`);
  if (Number(process.versions.node.split('.')[0]) < 24) {
    // Node 20 reached end of life on 2026-04-30: no more security fixes. `pnpm start` runs the Node 24 that
    // pnpm installs (node_modules/node/bin/node); a service manager should start that binary too (docs/operations.md).
    log.warn(
      { node: process.versions.node },
      'This Node is end of life: run Gatehouse on Node 24 (node_modules/node/bin/node)',
    );
  }
  if (running.setupLink) {
    console.log(
      `\nNo administrator exists yet. Open this one-time link to create the first system administrator\n(valid 24 hours; a restart prints a new one and voids this):\n\n  ${running.setupLink}\n`,
    );
  }
}

await main();
