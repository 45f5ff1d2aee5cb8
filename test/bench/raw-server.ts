/**
 * Benchmark-only "raw floor": node:http + postgres.js running the same session lookup and the same
 * queries as Gatehouse, with nothing else (no tRPC, no Express, no RLS, no transaction).
 *   GET /orders         orders.list, first page of 50 (foundation.ts, portal.ts)
 *   GET /orders/<uuid>  orders.get: the order within the session's party, its lines, shipments and invoices (portal.ts)
 *   GET /invoices       invoices.list, first page of 50, newest first, with its overdue, query and advice marks (portal.ts)
 * Usage: RAW_DATABASE_URL=... PORT=... node --import tsx test/bench/raw-server.ts
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.RAW_DATABASE_URL as string, { max: 20, onnotice: () => {} });
const port = Number(process.env.PORT);

const UUID = /^\/orders\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = req.url ?? '';
  const orderId = UUID.exec(url)?.[1];
  const route = url === '/invoices' ? 'invoices' : orderId ? 'order' : 'orders';
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
    !session.permissions.includes(route === 'invoices' ? 'invoices:read' : 'orders:read')
  ) {
    res.writeHead(401).end();
    return;
  }
  if (route === 'order') {
    const [order] = await sql`
      select id, party_id, number, customer_reference, status, order_date, currency, total_minor
      from orders where id = ${orderId as string} and party_id = ${session.party_id}`;
    if (!order) {
      res.writeHead(404).end();
      return;
    }
    const lines = await sql`
      select line_no, sku, description, quantity, unit_price_minor, amount_minor
      from order_lines where party_id = ${order.party_id} and order_id = ${order.id} order by line_no`;
    const shipments = session.permissions.includes('shipments:read')
      ? await sql`
          select s.id, s.party_id, s.order_id,
                 (select o.number from orders o where o.id = s.order_id and o.party_id = s.party_id) as order_number,
                 s.number, s.carrier, s.tracking_ref, s.status, s.shipped_on, s.delivered_on
          from shipments s
          where s.party_id = ${order.party_id} and s.order_id = ${order.id} order by s.shipped_on desc, s.id desc`
      : [];
    // The order page lists the order's invoices too (orders.get, issue 18), through invoices_party_order_idx.
    const invoices = session.permissions.includes('invoices:read')
      ? await sql`
          select id, number, legal_number, kind, status, issue_date, due_date, currency, total_minor, open_minor
          from invoices where party_id = ${order.party_id} and order_id = ${order.id} order by issue_date, id`
      : [];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...order, lines, shipments, invoices }));
    return;
  }
  // The nulls placement of the (party_id, date DESC NULLS LAST, id DESC NULLS LAST) indexes, as Gatehouse's
  // lists write it (db/src/data/paging.ts orderOf): plain DESC would read and sort a heavy party's every row.
  const rows =
    route === 'invoices'
      ? // As invoices.list: overdue and days overdue on today, the open queries and a pending remittance advice.
        await sql`
          select i.id, i.party_id, i.order_id, i.kind, i.number, i.legal_number, i.status, i.issue_date, i.due_date,
                 i.currency, i.total_minor, i.open_minor,
                 (i.status = 'open' and i.open_minor > 0 and i.due_date < current_date) as overdue,
                 (case when i.status = 'open' and i.open_minor > 0 and i.due_date < current_date
                       then current_date - i.due_date end)::int as days_overdue,
                 (select count(*)::int from invoice_queries q
                   where q.invoice_id = i.id and q.party_id = i.party_id and q.status = 'open') as open_queries,
                 exists (select 1 from remittance_lines rl where rl.invoice_id = i.id and i.status = 'open'
                   and i.open_minor = rl.open_minor_at_advice and i.party_id = rl.party_id) as payment_advised
          from invoices i where i.party_id = ${session.party_id}
          order by i.issue_date desc nulls last, i.id desc nulls last limit 51`
      : await sql`
          select id, party_id, number, customer_reference, status, order_date, currency, total_minor
          from orders where party_id = ${session.party_id} order by order_date desc nulls last, id desc nulls last limit 51`;
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
