import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedDatabase, migrate, startEmbedded } from '@gatehouse/db';
import { appRolePassword, contextKey, syncRolePassword } from '@gatehouse/server/keys';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Owner URL of the test cluster, without a database name. */
    clusterUrl: string;
    /** One secret for the whole run: the gatehouse_app role is cluster-wide, so its password must agree. */
    testSecret: string;
    /** A database migrated once for the run; createTestDatabase clones it (CREATE DATABASE ... TEMPLATE). */
    templateDatabase: string;
  }
}

type Cluster = { clusterUrl: string; testSecret: string; templateDatabase: string; stop(): Promise<void> };

/**
 * One cluster for the whole run, shared by every project that names this setup (integration and browser).
 * Vitest evaluates this module once per project, in the same process, so the cluster is kept on globalThis;
 * the last project to finish stops it.
 */
const shared = globalThis as typeof globalThis & {
  gatehouseTestCluster?: { cluster: Promise<Cluster>; users: number };
};

async function startCluster(): Promise<Cluster> {
  let embedded: EmbeddedDatabase | undefined;
  let dir: string | undefined;
  let clusterUrl: string;
  if (process.env.TEST_DATABASE_URL) {
    const u = new URL(process.env.TEST_DATABASE_URL);
    u.pathname = '/';
    clusterUrl = u.toString();
  } else {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-test-'));
    embedded = await startEmbedded({ dataDir: path.join(dir, 'postgres'), database: 'gatehouse_test' });
    clusterUrl = embedded.ownerUrl.replace(/gatehouse_test$/, '');
  }
  const testSecret = randomBytes(32).toString('base64url');
  const templateDatabase = `gh_template_${randomBytes(4).toString('hex')}`;
  // Every migration, once: a test file's database is a copy of this one (~0.15 s instead of ~0.7-1.3 s).
  // The copy is what migrate() makes of an empty database, so startServer's own migrate() finds nothing to do.
  const admin = postgres(`${clusterUrl}postgres`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${templateDatabase}`);
    const secret = Buffer.from(testSecret);
    await migrate({
      ownerUrl: `${clusterUrl}${templateDatabase}`,
      contextKey: contextKey(secret),
      appPassword: appRolePassword(secret),
      syncPassword: syncRolePassword(secret),
    });
  } finally {
    await admin.end();
  }
  return {
    clusterUrl,
    testSecret,
    templateDatabase,
    async stop() {
      if (process.env.TEST_DATABASE_URL) {
        const a = postgres(`${clusterUrl}postgres`, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${templateDatabase}`).finally(() => a.end());
      }
      await embedded?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A real PostgreSQL for the whole run: TEST_DATABASE_URL (an owner able to CREATE DATABASE and roles),
 * or an embedded one in a temporary directory on a free port.
 */
export default async function setup(project: TestProject) {
  shared.gatehouseTestCluster ??= { cluster: startCluster(), users: 0 };
  const run = shared.gatehouseTestCluster;
  run.users += 1;
  const c = await run.cluster;
  project.provide('clusterUrl', c.clusterUrl);
  project.provide('testSecret', c.testSecret);
  project.provide('templateDatabase', c.templateDatabase);
  return async () => {
    run.users -= 1;
    if (run.users > 0) return;
    shared.gatehouseTestCluster = undefined;
    await c.stop();
  };
}
