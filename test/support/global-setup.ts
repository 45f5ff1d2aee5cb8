import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedDatabase, startEmbedded } from '@gatehouse/db';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Owner URL of the test cluster, without a database name. */
    clusterUrl: string;
    /** One secret for the whole run: the gatehouse_app role is cluster-wide, so its password must agree. */
    testSecret: string;
  }
}

/**
 * A real PostgreSQL for the whole run: TEST_DATABASE_URL (an owner able to CREATE DATABASE and roles),
 * or an embedded one in a temporary directory on a free port.
 */
export default async function setup(project: TestProject) {
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
  project.provide('clusterUrl', clusterUrl);
  project.provide('testSecret', randomBytes(32).toString('base64url'));
  return async () => {
    await embedded?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
}
