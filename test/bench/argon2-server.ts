/**
 * Benchmark-only baseline for `pnpm bench:auth`: the argon2 work of a sign-in and nothing else.
 * A node:http server that answers POST {email, password} by looking the address up in memory and calling
 * Gatehouse's own verifyPassword (so the same argon2id parameters and the same concurrency bound), then
 * 200 or 401. Same process layout as the real server (one Node process, argon2 on its libuv pool).
 * Usage: BENCH_HASH=... PORT=... node --import tsx test/bench/argon2-server.ts
 */
import http from 'node:http';
import { verifyPassword } from '@gatehouse/server/testing';

const storedHash = process.env.BENCH_HASH as string;
const port = Number(process.env.PORT);

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { email?: string; password?: string };
  const found = typeof input.email === 'string' && input.email.endsWith('@bench.example') ? storedHash : undefined;
  const ok = found !== undefined && (await verifyPassword(found, String(input.password)));
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
  res.end(ok ? '{"ok":true}' : '{"ok":false}');
}

http
  .createServer((req, res) => {
    if (req.url === '/readyz') {
      res.end('ok');
      return;
    }
    handle(req, res).catch(() => res.writeHead(500).end());
  })
  .listen(port, '127.0.0.1');
