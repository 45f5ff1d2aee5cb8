import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '@gatehouse/db';
import S3rver from 's3rver';

/**
 * A local S3-compatible server (s3rver, from the npm registry) with one bucket, on a free loopback port.
 * `env` is what a Gatehouse server needs to use it (FILES_STORE=s3 and the S3_* settings).
 */
export async function startS3(bucket = 'gatehouse-files') {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-s3-'));
  const port = await freeLoopbackPort();
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: {
      FILES_STORE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      // s3rver's fixed development keys (it checks signatures made with them).
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    } as Record<string, string>,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
