import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An in-process Epicor Kinetic REST v2 server for tests (design note §11), built only from the documented
 * request and response shapes: `x-api-key` plus Basic or Bearer (TokenResource), OData `$filter` (a subset:
 * `and`/`or`, `eq ne gt ge lt le`, numbers, quoted strings, true/false, parentheses), `$select`, `$orderby`
 * (≤ 2 keys), `$top`, `$skip`, `$expand` of the child set, page caps with or without `@odata.nextLink`, and
 * the Kinetic error body. Faults and data changes are scripted per test through this object, never over
 * HTTP. One database-wide SysRevID counter increments on every write, as rowversion does; ChangeDate comes
 * from the fake's own clock, which also expires bearer tokens. No real timer runs except a scripted hang.
 */

export type Row = Record<string, unknown>;
export type SetName =
  | 'Customers'
  | 'Vendors'
  | 'SalesOrders'
  | 'OrderDtls'
  | 'ARInvoices'
  | 'InvcDtls'
  | 'CustShips'
  | 'ShipDtls'
  | 'POes'
  | 'PODetails'
  | 'UD40s';

/** Where each entity set lives, its key fields (after Company) and its child set for `$expand`. */
export const SETS: Record<SetName, { svc: string; keys: string[]; child?: SetName }> = {
  Customers: { svc: 'Erp.BO.CustomerSvc', keys: ['CustNum'] },
  Vendors: { svc: 'Erp.BO.VendorSvc', keys: ['VendorNum'] },
  SalesOrders: { svc: 'Erp.BO.SalesOrderSvc', keys: ['OrderNum'], child: 'OrderDtls' },
  OrderDtls: { svc: 'Erp.BO.SalesOrderSvc', keys: ['OrderNum', 'OrderLine'] },
  ARInvoices: { svc: 'Erp.BO.ARInvoiceSvc', keys: ['InvoiceNum'], child: 'InvcDtls' },
  InvcDtls: { svc: 'Erp.BO.ARInvoiceSvc', keys: ['InvoiceNum', 'InvoiceLine'] },
  CustShips: { svc: 'Erp.BO.CustShipSvc', keys: ['PackNum'], child: 'ShipDtls' },
  ShipDtls: { svc: 'Erp.BO.CustShipSvc', keys: ['PackNum', 'PackLine'] },
  POes: { svc: 'Erp.BO.POSvc', keys: ['PONum'], child: 'PODetails' },
  PODetails: { svc: 'Erp.BO.POSvc', keys: ['PONum', 'POLine'] },
  /** The UD queue table write-back uses where no function exists (Key1='GATEHOUSE', Key2=<eventId>). */
  UD40s: { svc: 'Ice.BO.UD40Svc', keys: ['Key1', 'Key2'] },
};

/** The Gatehouse function library the fake has installed (docs/kinetic.md, "Function library contract"). */
export const GATEHOUSE_FUNCTIONS = ['AcknowledgePO', 'FlagPOProblem', 'ProposeAddress', 'ProposeCreditLimit'] as const;

export interface EfxCall {
  fn: string;
  body: Row;
  /** The event id was seen before: the stored result was answered and nothing applied again. */
  replayed: boolean;
  idempotencyKey: string | undefined;
}

/** The `GH_*` BAQs (docs/kinetic.md): BAQ id → entity set and the table its columns are named after. */
export const BAQS: Record<string, { set: SetName; table: string }> = {
  GH_Customers: { set: 'Customers', table: 'Customer' },
  GH_Vendors: { set: 'Vendors', table: 'Vendor' },
  GH_OrderHeads: { set: 'SalesOrders', table: 'OrderHed' },
  GH_OrderDtls: { set: 'OrderDtls', table: 'OrderDtl' },
  GH_ARInvoices: { set: 'ARInvoices', table: 'InvcHead' },
  GH_CustShips: { set: 'CustShips', table: 'ShipHead' },
  GH_POes: { set: 'POes', table: 'POHeader' },
};

export type Fault =
  | { status: number; retryAfter?: number; errorType?: string; plain?: boolean }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'truncate' }
  | { kind: 'xml' }
  /** The request is applied (an EFx function runs, a UD row is written), then the connection drops mid-answer. */
  | { kind: 'resetAfterApply' };

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  status: number;
}

export interface FakeKineticOptions {
  seed?: number;
  customers?: number;
  vendors?: number;
  orders?: number;
  maxRows?: number;
  capMode?: 'nextLink' | 'silent';
  decimalsAsStrings?: boolean;
  tokenLifetimeS?: number;
  /** The company id; customer and vendor ids start with it, so several fakes can share one database. */
  company?: string;
}

/** mulberry32: a small deterministic PRNG, so a seed always builds the same dataset. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const COMPANY = 'EPIC06';
export const INSTANCE = 'kinetic';

export async function startFakeKinetic(o: FakeKineticOptions = {}) {
  const rnd = prng(o.seed ?? 42);
  const company = o.company ?? COMPANY;
  const cid = (n: number) => `${company}-C${String(n).padStart(4, '0')}`;
  const vid = (n: number) => `${company}-V${String(n).padStart(4, '0')}`;
  const apiKey = `key-${randomBytes(8).toString('hex')}`;
  const user = 'gatehouse-svc';
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const state = {
    now: Date.parse('2026-11-30T08:00:00Z'),
    rev: 1000,
    maxRows: o.maxRows ?? 100,
    capMode: o.capMode ?? ('nextLink' as 'nextLink' | 'silent'),
    decimalsAsStrings: o.decimalsAsStrings ?? false,
    tokenLifetimeS: o.tokenLifetimeS ?? 3600,
    companies: new Set([company]),
  };
  const data = Object.fromEntries(Object.keys(SETS).map((k) => [k, [] as Row[]])) as Record<SetName, Row[]>;
  /** Rows committed late: invisible to reads until the fake's clock reaches `visibleAt`. */
  const hidden = new WeakMap<Row, number>();
  const tokens = new Map<string, number>();
  const faults: { fault: Fault; match: RegExp | undefined; method: string | undefined }[] = [];
  const afterPage = new Map<number, () => void>();
  const requests: LoggedRequest[] = [];
  const violations: string[] = [];
  let pagesServed = 0;
  let tokenCalls = 0;
  /** Wall time spent answering requests (filtering, serialising): the fake's share of a shared process. */
  let busyMs = 0;
  /** Epicor Functions: every call, and the stored result per event id (the functions' idempotency). */
  const efxCalls: EfxCall[] = [];
  const efxResults = new Map<string, Row>();
  const efxEffects: { fn: string; eventId: string; body: Row }[] = [];
  const installed = new Set<string>(GATEHOUSE_FUNCTIONS);
  let resetAfterApply = false;

  const changeDate = () => `${new Date(state.now).toISOString().slice(0, 10)}T00:00:00`;
  const changeTime = () => Math.floor((state.now % 86_400_000) / 1000);
  const money = (cents: number) => (state.decimalsAsStrings ? (cents / 100).toFixed(2) : cents / 100);
  /**
   * Bumped by every write (insert, update, remove): the orderings and child lists below are cached until the
   * next write, so a page costs a binary search and its own rows, not a scan and sort of the whole set (the
   * benchmark serves a million orders). Rows change only through this object.
   */
  let version = 0;
  const stamp = (r: Row) => {
    version += 1;
    state.rev += 1;
    r.SysRevID = state.rev;
    r.ChangeDate = changeDate();
    r.ChangeTime = changeTime();
    return r;
  };
  /** Rows by their key fields (after Company), kept as rows are inserted and removed. */
  const byKey = Object.fromEntries(Object.keys(SETS).map((k) => [k, new Map<string, Row[]>()])) as Record<
    SetName,
    Map<string, Row[]>
  >;
  const keyOf = (set: SetName, r: Row) => SETS[set].keys.map((k) => String(r[k])).join('\u0001');
  const insert = (set: SetName, r: Row) => {
    const row = stamp({ Company: company, ...r });
    data[set].push(row);
    const k = keyOf(set, row);
    const same = byKey[set].get(k);
    if (same) same.push(row);
    else byKey[set].set(k, [row]);
    return row;
  };

  // ---- the seeded dataset
  const nCust = o.customers ?? 8;
  const nVend = o.vendors ?? 4;
  const nOrders = o.orders ?? 60;
  for (let i = 1; i <= nCust; i++)
    insert('Customers', {
      CustNum: i,
      CustID: cid(i),
      Name: `Customer ${i} Ltd`,
      Inactive: i === nCust,
      CreditLimit: i === 2 ? 0 : 10_000 * i,
    });
  for (let i = 1; i <= nVend; i++)
    insert('Vendors', {
      VendorNum: i,
      VendorID: vid(i),
      Name: `Vendor ${i} GmbH`,
      Inactive: false,
      GroupCode: i % 2 ? 'RAW' : 'SVC',
    });
  const currencies = ['EUR', 'EUR', 'USD', 'GBP'];
  let pack = 1;
  let invoice = 1;
  for (let n = 1; n <= nOrders; n++) {
    const cust = 1 + Math.floor(rnd() * (nCust - 1));
    const currency = currencies[Math.floor(rnd() * currencies.length)] as string;
    const lines = 1 + Math.floor(rnd() * 3);
    let total = 0;
    for (let l = 1; l <= lines; l++) {
      const qty = 1 + Math.floor(rnd() * 20);
      const price4 = 10_000 + Math.floor(rnd() * 500_000); // price × 10^4: sub-cent unit prices
      const ext = Math.round((qty * price4) / 100);
      const voidLine = lines > 1 && l === lines && n % 7 === 0;
      if (!voidLine) total += ext;
      insert('OrderDtls', {
        OrderNum: n,
        OrderLine: l,
        PartNum: `P-${100 + Math.floor(rnd() * 50)}`,
        LineDesc: `Part ${l} of order ${n}`,
        SellingQuantity: qty,
        SalesUM: 'EA',
        DocUnitPrice: state.decimalsAsStrings ? (price4 / 10_000).toFixed(4) : price4 / 10_000,
        DocExtPriceDtl: money(ext),
        VoidLine: voidLine,
      });
    }
    insert('SalesOrders', {
      OrderNum: n,
      CustNum: cust,
      CustomerCustID: cid(cust),
      PONum: `PO-${n}`,
      OrderDate: `2026-11-${String(1 + (n % 28)).padStart(2, '0')}T00:00:00`,
      CurrencyCode: currency,
      DocOrderAmt: money(total),
      OpenOrder: n % 5 !== 0,
      VoidOrder: n % 11 === 0,
      TotalShipped: n % 3 === 0 ? 1 : 0,
    });
    if (n % 3 === 0) {
      insert('CustShips', {
        PackNum: pack,
        CustNum: cust,
        CustomerCustID: cid(cust),
        ShipDate: `2026-11-${String(1 + (n % 28)).padStart(2, '0')}T00:00:00`,
        ShipViaCode: 'UPS',
        TrackingNumber: `1Z${n}`,
        Voided: n % 9 === 0,
        ShipStatus: 'SHIPPED',
        LegalNumber: '',
      });
      insert('ShipDtls', {
        PackNum: pack,
        PackLine: 1,
        OrderNum: n,
        OrderLine: 1,
        SellingInventoryShipQty: 1,
        SellingJobShipQty: 0,
      });
      pack += 1;
    }
    if (n % 2 === 0) {
      insert('ARInvoices', {
        InvoiceNum: invoice,
        CustNum: cust,
        CustomerCustID: cid(cust),
        OrderNum: n,
        LegalNumber: n % 4 === 0 ? `INV-2026-${invoice}` : '',
        CreditMemo: false,
        Posted: n % 10 !== 0,
        OpenInvoice: n % 6 !== 0,
        InvoiceDate: '2026-11-20T00:00:00',
        DueDate: '2026-12-20T00:00:00',
        CurrencyCode: currency,
        DocInvoiceAmt: money(total),
        DocInvoiceBal: money(n % 6 !== 0 ? total : 0),
      });
      invoice += 1;
    }
  }
  for (let p = 1; p <= Math.max(2, Math.floor(nOrders / 6)); p++) {
    const vend = 1 + (p % nVend);
    insert('PODetails', {
      PONum: p,
      POLine: 1,
      PartNum: `RM-${p}`,
      VenPartNum: `V-RM-${p}`,
      LineDesc: `Raw material ${p}`,
      OrderQty: 10,
      PUM: 'KG',
      DocUnitCost: 2.5,
      DocExtCost: money(2500),
      VoidLine: false,
    });
    insert('POes', {
      PONum: p,
      VendorNum: vend,
      VendorVendorID: vid(vend),
      OrderDate: '2026-11-02T00:00:00',
      DueDate: '2026-12-01T00:00:00',
      PromiseDate: null,
      CurrencyCode: 'EUR',
      DocTotalOrder: money(2500),
      OpenOrder: true,
      VoidOrder: false,
      Confirmed: p % 4 === 0,
      ApprovalStatus: p % 5 === 0 ? 'P' : 'A',
    });
  }

  // ---- OData: the subset of $filter the connector uses
  type Pred = (r: Row) => boolean;
  class Unsupported extends Error {}
  /**
   * The predicate, and the lower bound a leading `Field gt|ge number` puts on every matching row when the
   * filter is one chain of `and` (a keyset page: `OrderNum gt 1000 and …`), so a page sorted by that field
   * can start at it.
   */
  function parseFilter(src: string): { pred: Pred; from: { field: string; op: 'gt' | 'ge'; value: number } | null } {
    const toks = src.match(/'(?:[^']|'')*'|\(|\)|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|\S+/g) ?? [];
    let depth = 0;
    let topLevelOr = false;
    for (const t of toks) {
      if (t === '(') depth += 1;
      else if (t === ')') depth -= 1;
      else if (t === 'or' && depth === 0) topLevelOr = true;
    }
    const [f0, op0, v0] = toks;
    const from =
      !topLevelOr && f0 && /^[A-Za-z_]\w*$/.test(f0) && (op0 === 'gt' || op0 === 'ge') && v0 && /^-?\d/.test(v0)
        ? { field: f0, op: op0 as 'gt' | 'ge', value: Number(v0) }
        : null;
    let i = 0;
    const peek = () => toks[i];
    const next = () => toks[i++];
    const value = (): unknown => {
      const t = next();
      if (t === undefined) throw new Unsupported('expression ends early');
      if (t.startsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
      if (t === 'true' || t === 'false') return t === 'true';
      if (t === 'null') return null;
      if (/^-?\d/.test(t)) return Number(t);
      throw new Unsupported(`unsupported value ${t}`);
    };
    const cmp = (): Pred => {
      if (peek() === '(') {
        next();
        const p = or();
        if (next() !== ')') throw new Unsupported('missing )');
        return p;
      }
      const field = next();
      if (!field || !/^[A-Za-z_]\w*$/.test(field)) throw new Unsupported(`unsupported token ${field}`);
      const op = next();
      const v = value();
      const c = (a: unknown) => a as number | string;
      switch (op) {
        case 'eq':
          return (r) => r[field] === v;
        case 'ne':
          return (r) => r[field] !== v;
        case 'gt':
          return (r) => c(r[field]) > c(v);
        case 'ge':
          return (r) => c(r[field]) >= c(v);
        case 'lt':
          return (r) => c(r[field]) < c(v);
        case 'le':
          return (r) => c(r[field]) <= c(v);
        default:
          throw new Unsupported(`unsupported operator ${op}`);
      }
    };
    const and = (): Pred => {
      let p = cmp();
      while (peek() === 'and') {
        next();
        const a = p;
        const b = cmp();
        p = (r) => a(r) && b(r);
      }
      return p;
    };
    function or(): Pred {
      let p = and();
      while (peek() === 'or') {
        next();
        const a = p;
        const b = and();
        p = (r) => a(r) || b(r);
      }
      return p;
    }
    const p = or();
    if (i !== toks.length) throw new Unsupported(`unexpected ${toks[i]}`);
    return { pred: p, from };
  }

  /** A set in `$orderby` order (stable: ties keep insertion order), cached until the next write. */
  const sorted = new Map<string, { version: number; rows: Row[] }>();
  function sortedRows(setName: SetName, orderby: [string, string?][]) {
    const id = `${setName} ${JSON.stringify(orderby)}`;
    const hit = sorted.get(id);
    if (hit && hit.version === version) return hit.rows;
    const rows = [...data[setName]].sort((a, b) => {
      for (const [f, dir] of orderby) {
        const x = a[f] as number | string;
        const y = b[f] as number | string;
        if (x !== y) return (x < y ? -1 : 1) * (dir === 'desc' ? -1 : 1);
      }
      return 0;
    });
    sorted.set(id, { version, rows });
    return rows;
  }
  /** The first index of `rows` (sorted ascending by the bound's field) that can satisfy the bound. */
  function lowerBound(rows: Row[], b: { field: string; op: 'gt' | 'ge'; value: number }) {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const x = (rows[mid] as Row)[b.field] as number;
      if (b.op === 'gt' ? x <= b.value : x < b.value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** A child set's rows by their parent's key, in insertion order, cached until the next write. */
  const children = new Map<SetName, { version: number; byParent: Map<unknown, Row[]> }>();
  function childrenOf(set: SetName, parentKey: string, parent: unknown): Row[] {
    let hit = children.get(set);
    if (!hit || hit.version !== version) {
      const byParent = new Map<unknown, Row[]>();
      for (const c of data[set]) {
        const list = byParent.get(c[parentKey]);
        if (list) list.push(c);
        else byParent.set(c[parentKey], [c]);
      }
      hit = { version, byParent };
      children.set(set, hit);
    }
    return hit.byParent.get(parent) ?? [];
  }

  const errorBody = (status: number, reason: string, message: string, errorType?: string) => ({
    HttpStatus: status,
    ReasonPhrase: reason,
    ErrorMessage: message,
    ErrorType: errorType ?? null,
    CorrelationId: randomBytes(8).toString('hex'),
    ErrorDetails: [{ Message: message, Type: 'Error', Table: '', Field: '', Program: '', Method: '' }],
  });

  const visible = (r: Row) => (hidden.get(r) ?? 0) <= state.now;
  const project = (r: Row, select: string[] | null) =>
    select ? Object.fromEntries(select.filter((f) => f in r).map((f) => [f, r[f]])) : { ...r };

  function authorise(req: http.IncomingMessage, url: URL): [number, Row] | null {
    if (url.searchParams.has('api-key') || url.searchParams.has('api_key') || url.searchParams.has('x-api-key'))
      violations.push(`API key in the query string: ${url.pathname}`);
    if (req.headers['x-api-key'] !== apiKey)
      return [401, errorBody(401, 'Unauthorized', 'Invalid or missing API key.')];
    const auth = req.headers.authorization ?? '';
    if (auth.startsWith('Basic ')) {
      if (Buffer.from(auth.slice(6), 'base64').toString() !== `${user}:${password}`)
        return [401, errorBody(401, 'Unauthorized', 'Incorrect user name or password.')];
    } else if (auth.startsWith('Bearer ')) {
      const exp = tokens.get(auth.slice(7));
      if (exp === undefined || exp <= state.now) return [401, errorBody(401, 'Unauthorized', 'The token has expired.')];
    } else return [401, errorBody(401, 'Unauthorized', 'Authorization is required.')];
    return null;
  }

  function applyFault(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
    const at = faults.findIndex((f) => (!f.match || f.match.test(path)) && (!f.method || f.method === req.method));
    if (at < 0) return false;
    const { fault } = faults.splice(at, 1)[0] as { fault: Fault };
    if ('kind' in fault && fault.kind === 'resetAfterApply') {
      resetAfterApply = true;
      return false;
    }
    if ('kind' in fault) {
      if (fault.kind === 'hang') return true; // headers never sent; the client's timeout must end it
      if (fault.kind === 'reset') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"value":[{"Company":');
        setImmediate(() => req.socket.destroy());
        return true;
      }
      if (fault.kind === 'truncate') {
        const body = '{"@odata.context":"x","value":[{"Company":"EPIC06","SysRevID":1';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        res.end(body);
        return true;
      }
      res.writeHead(500, { 'content-type': 'application/xml' });
      res.end('<Error><Message>Internal error</Message></Error>');
      return true;
    }
    const headers: Record<string, string> = { 'content-type': fault.plain ? 'text/plain' : 'application/json' };
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    res.writeHead(fault.status, headers);
    res.end(
      fault.plain
        ? 'Service Unavailable'
        : JSON.stringify(
            errorBody(
              fault.status,
              http.STATUS_CODES[fault.status] ?? 'Error',
              fault.errorType ? 'A business rule refused the request.' : 'Scripted failure.',
              fault.errorType,
            ),
          ),
    );
    return true;
  }

  function serveSet(url: URL, setName: SetName, send: (s: number, b: unknown) => void) {
    const q = url.searchParams;
    const meta = SETS[setName];
    let filter: ReturnType<typeof parseFilter> | null = null;
    try {
      const f = q.get('$filter');
      if (f) filter = parseFilter(f);
    } catch (e) {
      if (e instanceof Unsupported) return send(400, errorBody(400, 'Bad Request', `$filter: ${e.message}`));
      throw e;
    }
    const orderby = (q.get('$orderby') ?? meta.keys.join(','))
      .split(',')
      .map((s) => s.trim().split(/\s+/) as [string, string?]);
    if (orderby.length > 2) return send(400, errorBody(400, 'Bad Request', '$orderby: at most two keys.'));
    const all = sortedRows(setName, orderby);
    const [first, dir] = orderby[0] as [string, string?];
    const bound = filter?.from;
    const start = bound && bound.field === first && dir !== 'desc' ? lowerBound(all, bound) : 0;
    const skip = Number(q.get('$skip') ?? 0);
    const top = q.has('$top') ? Number(q.get('$top')) : Number.POSITIVE_INFINITY;
    // Rows matching after the skip: as many as a page holds, and one more to know whether it was capped.
    const need = Math.min(top, state.maxRows);
    const page: Row[] = [];
    let skipped = 0;
    let more = false;
    for (let k = start; k < all.length; k++) {
      const r = all[k] as Row;
      if (!visible(r) || (filter && !filter.pred(r))) continue;
      if (skipped < skip) {
        skipped += 1;
        continue;
      }
      if (page.length >= need) {
        more = true;
        break;
      }
      page.push(r);
    }
    const select =
      q
        .get('$select')
        ?.split(',')
        .map((s) => s.trim()) ?? null;
    const expand = q.get('$expand');
    const body: Row = {
      '@odata.context': `${url.origin}/${INSTANCE}/api/v2/odata/${company}/${meta.svc}/$metadata#${setName}`,
      value: page.map((r) => {
        const out = project(r, select);
        if (expand && meta.child === expand) {
          const parentKey = meta.keys[0] as string;
          out[expand] = childrenOf(expand as SetName, parentKey, r[parentKey])
            .filter(visible)
            .map((c) => ({ ...c }));
        }
        return out;
      }),
    };
    // Capped below `$top` by the server's page limit.
    if (more && state.maxRows < top && state.capMode === 'nextLink') {
      const nextQ = new URLSearchParams(q);
      nextQ.set('$skip', String(skip + page.length));
      if (Number.isFinite(top)) nextQ.set('$top', String(top - page.length));
      body['@odata.nextLink'] = `${url.origin}${url.pathname}?${nextQ.toString()}`;
    }
    pagesServed += 1;
    send(200, body);
    const hook = afterPage.get(pagesServed);
    if (hook) {
      afterPage.delete(pagesServed);
      hook();
    }
  }

  /**
   * The shipped `GH_*` BAQs: rows of one table changed since `SinceRev`, by `GH_Rev`, columns named
   * `{Table}_{Field}` as BAQs name them, capped silently at the BAQ limit (100 unless set lower).
   */
  function serveBaq(url: URL, baqId: string, send: (s: number, b: unknown) => void) {
    const baq = BAQS[baqId];
    if (!baq) return send(404, errorBody(404, 'Not Found', `BAQ ${baqId} not found.`));
    const since = Number(url.searchParams.get('SinceRev') ?? 0);
    const top = Math.min(Number(url.searchParams.get('$top') ?? 100), state.maxRows, 100);
    const rows = data[baq.set]
      .filter((r) => visible(r) && Number(r.SysRevID) > since)
      .sort((a, b) => Number(a.SysRevID) - Number(b.SysRevID))
      .slice(0, top)
      .map((r) => ({
        ...Object.fromEntries(Object.entries(r).map(([k, v]) => [`${baq.table}_${k}`, v])),
        Calculated_GH_Rev: r.SysRevID,
      }));
    pagesServed += 1;
    send(200, { '@odata.context': `${url.origin}/$metadata#${baqId}`, value: rows });
  }

  const parseBody = (text: string): Row | null => {
    try {
      const b = JSON.parse(text) as unknown;
      return b && typeof b === 'object' && !Array.isArray(b) ? (b as Row) : null;
    } catch {
      return null;
    }
  };

  /**
   * The Gatehouse function library. Each function is idempotent on `eventId`: a replay answers the stored
   * result and applies nothing. AcknowledgePO refuses (a business-rule 500) a PO that does not exist or is
   * not approved, as a BPM on POHeader would.
   */
  function serveEfx(
    req: http.IncomingMessage,
    library: string,
    fn: string,
    text: string,
    send: (s: number, b: unknown) => void,
  ) {
    if (library !== 'Gatehouse' || !installed.has(fn))
      return send(404, errorBody(404, 'Not Found', `Function ${library}/${fn} not found.`));
    const body = parseBody(text);
    const eventId = body?.eventId;
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    if (!body || typeof eventId !== 'string')
      return send(400, errorBody(400, 'Bad Request', 'The request needs a JSON body with eventId.'));
    const stored = efxResults.get(eventId);
    efxCalls.push({ fn, body, replayed: Boolean(stored), idempotencyKey });
    if (stored) return send(200, { ...stored, replayed: true });
    let message: string;
    if (fn === 'AcknowledgePO') {
      const po = find('POes', { PONum: body.poNum });
      if (po?.ApprovalStatus !== 'A')
        return send(
          500,
          errorBody(500, 'Internal Server Error', `PO ${String(body.poNum)} cannot be confirmed.`, 'Ice.BLException'),
        );
      Object.assign(po, { Confirmed: true, ConfirmVia: 'web', PromiseDate: `${String(body.promisedDate)}T00:00:00` });
      stamp(po);
      message = `PO ${String(body.poNum)} confirmed for ${String(body.promisedDate)}`;
    } else message = `${fn} recorded`;
    efxEffects.push({ fn, eventId, body });
    const result = { applied: true, message };
    efxResults.set(eventId, result);
    send(200, { ...result, replayed: false });
  }

  /** A UD table row (the write-back queue): its five keys are its primary key, so a duplicate is refused. */
  function insertUd(setName: SetName, text: string, send: (s: number, b: unknown) => void) {
    if (setName !== 'UD40s') return send(405, errorBody(405, 'Method Not Allowed', 'Use the business object.'));
    const body = parseBody(text);
    if (!body || typeof body.Key1 !== 'string' || typeof body.Key2 !== 'string')
      return send(400, errorBody(400, 'Bad Request', 'Key1 and Key2 are required.'));
    const key = (r: Row) => ['Key1', 'Key2', 'Key3', 'Key4', 'Key5'].map((k) => String(r[k] ?? '')).join('|');
    if (data.UD40s.some((r) => key(r) === key(body)))
      return send(
        500,
        errorBody(500, 'Internal Server Error', 'Record already exists.', 'Ice.Common.DuplicateRecordException'),
      );
    const row = insert('UD40s', body);
    send(201, { ...row });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    let status = 0;
    const send = (s: number, b: unknown) => {
      status = s;
      res.writeHead(s, { 'content-type': 'application/json' });
      if (resetAfterApply) {
        // Applied; the answer is cut off before the client can read it.
        resetAfterApply = false;
        res.write(JSON.stringify(b).slice(0, 5));
        setImmediate(() => req.socket.destroy());
        return;
      }
      res.end(JSON.stringify(b));
    };
    const log = () =>
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        status,
      });
    res.on('finish', log);
    res.on('close', () => {
      if (!res.writableFinished) log();
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const t0 = performance.now();
      try {
        handle();
      } finally {
        busyMs += performance.now() - t0;
      }
    });
    function handle() {
      const parts = url.pathname.split('/').filter(Boolean);
      if (parts[0] !== INSTANCE) return send(404, errorBody(404, 'Not Found', 'No such instance.'));
      if (applyFault(req, res, url.pathname)) {
        status = -1;
        return;
      }
      if (parts[1] === 'TokenResource.svc' && req.method === 'POST') {
        tokenCalls += 1;
        if (req.headers['x-api-key'] !== apiKey)
          return send(401, errorBody(401, 'Unauthorized', 'Invalid or missing API key.'));
        const auth = req.headers.authorization ?? '';
        if (!auth.startsWith('Basic ') || Buffer.from(auth.slice(6), 'base64').toString() !== `${user}:${password}`)
          return send(401, errorBody(401, 'Unauthorized', 'Incorrect user name or password.'));
        const token = randomBytes(16).toString('hex');
        tokens.set(token, state.now + state.tokenLifetimeS * 1000);
        return send(200, { AccessToken: token, ExpiresIn: state.tokenLifetimeS, TokenType: 'Bearer' });
      }
      // /{inst}/api/v2/efx/{Company}/{Library}/{Function}
      if (parts[1] === 'api' && parts[2] === 'v2' && parts[3] === 'efx' && req.method === 'POST') {
        const denied = authorise(req, url);
        if (denied) return send(denied[0], denied[1]);
        if (!state.companies.has(parts[4] ?? ''))
          return send(403, errorBody(403, 'Forbidden', `The access scope does not include company ${parts[4]}.`));
        return serveEfx(req, parts[5] ?? '', parts[6] ?? '', Buffer.concat(chunks).toString('utf8'), send);
      }
      // /{inst}/api/v2/odata/{Company}/{Svc}/{Set}
      if (parts[1] !== 'api' || parts[2] !== 'v2' || parts[3] !== 'odata')
        return send(404, errorBody(404, 'Not Found', 'No such resource.'));
      const denied = authorise(req, url);
      if (denied) return send(denied[0], denied[1]);
      const company = parts[4] ?? '';
      if (!state.companies.has(company))
        return send(
          403,
          errorBody(403, 'Forbidden', `The access scope of this API key does not include company ${company}.`),
        );
      if (parts[5] === 'BaqSvc' && parts[7] === 'Data' && parts.length === 8)
        return serveBaq(url, parts[6] ?? '', send);
      const setName = parts[6] as SetName | undefined;
      if (!setName || !(setName in SETS) || SETS[setName].svc !== parts[5] || parts.length !== 7)
        return send(404, errorBody(404, 'Not Found', `Resource not found: ${parts.slice(5).join('/')}`));
      if (req.method === 'POST') return insertUd(setName, Buffer.concat(chunks).toString('utf8'), send);
      serveSet(url, setName, send);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const matches = (key: Record<string, unknown>) => (r: Row) => Object.entries(key).every(([k, v]) => r[k] === v);
  /** By the key index when `key` names exactly the set's key fields (still checked: a patch may change them). */
  const find = (set: SetName, key: Record<string, unknown>) => {
    const fields = SETS[set].keys;
    if (Object.keys(key).length === fields.length && fields.every((k) => k in key)) {
      const hit = byKey[set].get(keyOf(set, key))?.find(matches(key));
      if (hit) return hit;
    }
    return data[set].find(matches(key));
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    instance: INSTANCE,
    company,
    customerId: cid,
    vendorId: vid,
    apiKey,
    user,
    password,
    data,
    requests,
    violations,
    get tokenCalls() {
      return tokenCalls;
    },
    /** Milliseconds spent in request handlers so far (the benchmark subtracts it: the fake shares its process). */
    get busyMs() {
      return busyMs;
    },
    get maxRev() {
      return state.rev;
    },
    clock: {
      now: () => state.now,
      advance(ms: number) {
        state.now += ms;
      },
    },
    setCap(maxRows: number, mode: 'nextLink' | 'silent') {
      state.maxRows = maxRows;
      state.capMode = mode;
    },
    setTokenLifetime(s: number) {
      state.tokenLifetimeS = s;
    },
    /** Expires every bearer token issued so far (as a server restart or a short lifetime would). */
    expireTokens() {
      for (const k of tokens.keys()) tokens.set(k, state.now);
    },
    /** The next `n` requests whose path (and method, when given) matches (any when absent) fail with `fault`. */
    fail(n: number, fault: Fault, match?: RegExp, method?: 'GET' | 'POST') {
      for (let k = 0; k < n; k++) faults.push({ fault, match, method });
    },
    /** Runs `fn` right after the n-th data page (counted from now) has been served. */
    between(n: number, fn: () => void) {
      afterPage.set(pagesServed + n, fn);
    },
    find,
    insert(set: SetName, r: Row) {
      return insert(set, r);
    },
    /** Changes a row in place and gives it a new SysRevID (a write). */
    update(set: SetName, key: Record<string, unknown>, patch: Row) {
      const r = find(set, key);
      if (!r) throw new Error(`fake kinetic: no ${set} row ${JSON.stringify(key)}`);
      Object.assign(r, patch);
      stamp(r);
      return r;
    },
    remove(set: SetName, key: Record<string, unknown>) {
      const r = find(set, key);
      if (!r) return;
      data[set].splice(data[set].indexOf(r), 1);
      const k = keyOf(set, r);
      const same = byKey[set].get(k)?.filter((x) => x !== r) ?? [];
      if (same.length > 0) byKey[set].set(k, same);
      else byKey[set].delete(k);
      version += 1;
    },
    /**
     * A row written now (its SysRevID is taken now) by a transaction that commits `afterMs` later: until
     * then no read sees it, while rows written after it, with higher SysRevIDs, are visible at once.
     */
    lateCommit(set: SetName, r: Row, afterMs: number) {
      const row = insert(set, r);
      hidden.set(row, state.now + afterMs);
      return row;
    },
    /** Every call of a Gatehouse function (replays included), and the effects applied (once per event id). */
    efxCalls,
    efxEffects,
    /** Uninstalls a function (the library lacks it: 404). */
    uninstall(fn: string) {
      installed.delete(fn);
    },
    /** Key-only checksum of a set as the connector mirrors it. */
    rows(set: SetName) {
      return data[set].filter(visible);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type FakeKinetic = Awaited<ReturnType<typeof startFakeKinetic>>;
