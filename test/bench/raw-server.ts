/**
 * Benchmark-only "raw floor": node:http + postgres.js running the same session lookup and the same
 * orders query as Gatehouse, with nothing else (no tRPC, no Express, no RLS, no transaction).
 * Usage: RAW_DATABASE_URL=... PORT=... node --import tsx test/bench/raw-server.ts
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.RAW_DATABASE_URL as string, { max: 20, onnotice: () => {} });
const port = Number(process.env.PORT);

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const token = /gh_session=([a-z2-7]{24})\.([a-z2-7]{32})/.exec(req.headers.cookie ?? '');
  if (!token) {
    res.writeHead(401).end();
    return;
  }
  const [session] = await sql`
    select s.secret_hash, s.idle_expires_at, s.absolute_expires_at, u.id as user_id, u.status as user_status,
           p.id as party_id, p.status as party_status,
           coalesce((select array_agg(distinct perm) from user_roles ur join roles r on r.id = ur.role_id,
                     unnest(r.permissions) perm where ur.user_id = u.id and ur.party_id = u.party_id), '{}') as permissions
    from sessions s join users u on u.id = s.user_id join parties p on p.id = s.party_id
    where s.id = ${token[1] as string}`;
  const hash = createHash('sha256')
    .update(token[2] as string)
    .digest('hex');
  if (
    !session ||
    !timingSafeEqual(Buffer.from(hash), Buffer.from(session.secret_hash)) ||
    !session.permissions.includes('orders:read')
  ) {
    res.writeHead(401).end();
    return;
  }
  const rows = await sql`
    select id, party_id, number, customer_reference, status, order_date, currency, total_minor
    from orders where party_id = ${session.party_id} order by order_date desc, id desc limit 51`;
  const items = rows.slice(0, 50);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ items, nextCursor: rows.length > 50 ? 'x' : null }));
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
