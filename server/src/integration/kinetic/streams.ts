import type { BatchEntity } from '@gatehouse/contract';
import type { ODataRow } from './client.ts';

/**
 * The Kinetic entity sets the connector reads and how each row becomes a mirror-writer row (design note
 * §5). Run order is the array order: parties before documents, headers before their child streams, orders
 * before the invoices and shipments that point at them. Document revisions are the highest SysRevID of
 * the header and its lines: SysRevID is database-wide, so that maximum only grows when either changes.
 */

export type StreamName =
  | 'customers'
  | 'suppliers'
  | 'orders'
  | 'order-lines'
  | 'invoices'
  | 'shipments'
  | 'purchase-orders';

export interface StreamDef {
  name: StreamName;
  /** `{Svc}/{Set}` under `/api/v2/odata/{Company}/`. */
  path: string;
  /** The integer key after Company (keyset for the initial load and reconciliation). */
  key: string;
  /** BAQ mode: the `GH_*` BAQ that lists changed rows since a revision, and the table its columns are named by. */
  baq: { id: string; table: string };
  select: readonly string[];
  /** Child set read with the header, and the fields kept of it. */
  expand?: { set: string; select: readonly string[] };
  /** A fixed filter (only posted invoices, approved POs…), combined with the cursor's. */
  where?: string;
  entity: BatchEntity;
  /** For child streams: changed lines name their parent, which is read again whole. */
  parent?: { stream: StreamName; field: string };
  /** The mirrored table reconciliation compares against (documents only). */
  table?: 'orders' | 'invoices' | 'purchase_orders';
  /**
   * The value a write-back expects to read back for this row (writeback.ts, `echo_value`), keyed by the
   * row's ERP key: a PO's promised date confirms its acknowledgement.
   */
  echo?: (row: Record<string, unknown>) => string | null;
  /** The mirror-writer row, or null when the row is not shown in the portal (void, unposted…). */
  map?: (r: ODataRow, company: string) => { key: string; row: Record<string, unknown>; rev: bigint } | null;
}

export const erpKey = (company: string, kind: string, n: unknown) => `kinetic:${company}:${kind}:${String(n)}`;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v).trim());
const date = (v: unknown) => (typeof v === 'string' && v.length >= 10 ? v.slice(0, 10) : null);
/** Decimals arrive as numbers or strings: always handed on as the string Kinetic meant. */
const dec = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '0');
const rev = (r: ODataRow) => BigInt(Number(r.SysRevID ?? 0));
const maxRev = (head: ODataRow, lines: ODataRow[]) => {
  let m = rev(head);
  for (const l of lines) if (rev(l) > m) m = rev(l);
  return m;
};
const childRows = (r: ODataRow, set: string) => (Array.isArray(r[set]) ? (r[set] as ODataRow[]) : []);
const text = (v: unknown, max: number) => (str(v) ?? '').replaceAll('\u0000', '').slice(0, max);

export const STREAMS: readonly StreamDef[] = [
  {
    name: 'customers',
    baq: { id: 'GH_Customers', table: 'Customer' },
    path: 'Erp.BO.CustomerSvc/Customers',
    key: 'CustNum',
    select: ['Company', 'CustNum', 'CustID', 'Name', 'Inactive', 'SysRevID'],
    entity: 'parties',
    map: (r, co) => {
      const key = erpKey(co, 'C', r.CustNum);
      return {
        key,
        rev: rev(r),
        row: {
          key,
          kind: 'customer',
          ref: text(r.CustID, 100),
          name: text(r.Name, 200),
          inactive: r.Inactive === true,
          rev: String(rev(r)),
        },
      };
    },
  },
  {
    name: 'suppliers',
    baq: { id: 'GH_Vendors', table: 'Vendor' },
    path: 'Erp.BO.VendorSvc/Vendors',
    key: 'VendorNum',
    select: ['Company', 'VendorNum', 'VendorID', 'Name', 'Inactive', 'SysRevID'],
    entity: 'parties',
    map: (r, co) => {
      const key = erpKey(co, 'V', r.VendorNum);
      return {
        key,
        rev: rev(r),
        row: {
          key,
          kind: 'supplier',
          ref: text(r.VendorID, 100),
          name: text(r.Name, 200),
          inactive: r.Inactive === true,
          rev: String(rev(r)),
        },
      };
    },
  },
  {
    name: 'orders',
    baq: { id: 'GH_OrderHeads', table: 'OrderHed' },
    path: 'Erp.BO.SalesOrderSvc/SalesOrders',
    key: 'OrderNum',
    select: [
      'Company',
      'OrderNum',
      'CustNum',
      'CustomerCustID',
      'PONum',
      'OrderDate',
      'CurrencyCode',
      'DocOrderAmt',
      'OpenOrder',
      'VoidOrder',
      'TotalShipped',
      'SysRevID',
    ],
    expand: {
      set: 'OrderDtls',
      select: [
        'OrderLine',
        'PartNum',
        'LineDesc',
        'SellingQuantity',
        'SalesUM',
        'DocUnitPrice',
        'DocExtPriceDtl',
        'VoidLine',
        'SysRevID',
      ],
    },
    entity: 'orders',
    table: 'orders',
    map: (r, co) => {
      const lines = childRows(r, 'OrderDtls');
      const key = erpKey(co, 'SO', r.OrderNum);
      const shipped = Number(r.TotalShipped ?? 0) > 0;
      const status =
        r.VoidOrder === true ? 'cancelled' : r.OpenOrder === true ? (shipped ? 'shipped' : 'open') : 'shipped';
      const v = maxRev(r, lines);
      return {
        key,
        rev: v,
        row: {
          key,
          customer: text(r.CustomerCustID, 100),
          number: String(r.OrderNum),
          customerReference: str(r.PONum) || null,
          status,
          orderDate: date(r.OrderDate),
          currency: str(r.CurrencyCode),
          total: dec(r.DocOrderAmt),
          net: dec(r.DocOrderAmt),
          lines: lines
            .filter((l) => l.VoidLine !== true)
            .map((l) => ({
              lineNo: Number(l.OrderLine),
              sku: text(l.PartNum, 100),
              description: text(l.LineDesc, 500) || text(l.PartNum, 500),
              quantity: dec(l.SellingQuantity),
              uom: str(l.SalesUM),
              unitPrice: dec(l.DocUnitPrice),
              amount: dec(l.DocExtPriceDtl),
            })),
          rev: String(v),
        },
      };
    },
  },
  {
    name: 'order-lines',
    baq: { id: 'GH_OrderDtls', table: 'OrderDtl' },
    path: 'Erp.BO.SalesOrderSvc/OrderDtls',
    key: 'OrderNum',
    select: ['Company', 'OrderNum', 'OrderLine', 'SysRevID'],
    entity: 'orders',
    parent: { stream: 'orders', field: 'OrderNum' },
  },
  {
    name: 'invoices',
    baq: { id: 'GH_ARInvoices', table: 'InvcHead' },
    path: 'Erp.BO.ARInvoiceSvc/ARInvoices',
    key: 'InvoiceNum',
    select: [
      'Company',
      'InvoiceNum',
      'CustNum',
      'CustomerCustID',
      'OrderNum',
      'LegalNumber',
      'CreditMemo',
      'Posted',
      'OpenInvoice',
      'InvoiceDate',
      'DueDate',
      'CurrencyCode',
      'DocInvoiceAmt',
      'DocInvoiceBal',
      'SysRevID',
    ],
    where: 'Posted eq true',
    entity: 'invoices',
    table: 'invoices',
    map: (r, co) => {
      const key = erpKey(co, 'AR', r.InvoiceNum);
      const legal = str(r.LegalNumber) || null;
      const order = Number(r.OrderNum ?? 0);
      return {
        key,
        rev: rev(r),
        row: {
          key,
          customer: text(r.CustomerCustID, 100),
          kind: r.CreditMemo === true ? 'credit-note' : 'invoice',
          number: legal ?? String(r.InvoiceNum),
          legalNumber: legal,
          order: order > 0 ? erpKey(co, 'SO', order) : null,
          status: r.OpenInvoice === true ? 'open' : 'paid',
          issueDate: date(r.InvoiceDate),
          dueDate: date(r.DueDate),
          currency: str(r.CurrencyCode),
          total: dec(r.DocInvoiceAmt),
          open: dec(r.DocInvoiceBal),
          rev: String(rev(r)),
        },
      };
    },
  },
  {
    name: 'shipments',
    baq: { id: 'GH_CustShips', table: 'ShipHead' },
    path: 'Erp.BO.CustShipSvc/CustShips',
    key: 'PackNum',
    select: [
      'Company',
      'PackNum',
      'CustNum',
      'CustomerCustID',
      'ShipDate',
      'ShipViaCode',
      'TrackingNumber',
      'Voided',
      'LegalNumber',
      'SysRevID',
    ],
    expand: {
      set: 'ShipDtls',
      select: ['PackLine', 'OrderNum', 'OrderLine', 'SellingInventoryShipQty', 'SellingJobShipQty', 'SysRevID'],
    },
    where: 'Voided eq false',
    entity: 'shipments',
    map: (r, co) => {
      const lines = childRows(r, 'ShipDtls');
      if (lines.length === 0) return null;
      // Several PackLines of one order line are summed: the portal keeps one quantity per order line.
      const sums = new Map<string, { order: string; lineNo: number; qty: number }>();
      for (const l of lines) {
        const k = `${l.OrderNum}/${l.OrderLine}`;
        const q = Number(l.SellingInventoryShipQty ?? 0) + Number(l.SellingJobShipQty ?? 0);
        const s = sums.get(k) ?? { order: erpKey(co, 'SO', l.OrderNum), lineNo: Number(l.OrderLine), qty: 0 };
        s.qty += q;
        sums.set(k, s);
      }
      const key = erpKey(co, 'PK', r.PackNum);
      const v = maxRev(r, lines);
      return {
        key,
        rev: v,
        row: {
          key,
          customer: text(r.CustomerCustID, 100),
          number: str(r.LegalNumber) || String(r.PackNum),
          carrier: text(r.ShipViaCode, 100) || 'unknown',
          trackingRef: str(r.TrackingNumber) || null,
          shippedOn: date(r.ShipDate),
          lines: [...sums.values()].map((s) => ({
            order: s.order,
            lineNo: s.lineNo,
            quantity: String(Number(s.qty.toFixed(4))),
          })),
          rev: String(v),
        },
      };
    },
  },
  {
    name: 'purchase-orders',
    baq: { id: 'GH_POes', table: 'POHeader' },
    path: 'Erp.BO.POSvc/POes',
    key: 'PONum',
    select: [
      'Company',
      'PONum',
      'VendorNum',
      'VendorVendorID',
      'OrderDate',
      'DueDate',
      'PromiseDate',
      'CurrencyCode',
      'DocTotalOrder',
      'OpenOrder',
      'VoidOrder',
      'ApprovalStatus',
      'SysRevID',
    ],
    expand: {
      set: 'PODetails',
      select: [
        'POLine',
        'PartNum',
        'VenPartNum',
        'LineDesc',
        'OrderQty',
        'PUM',
        'DocUnitCost',
        'DocExtCost',
        'VoidLine',
        'SysRevID',
      ],
    },
    where: "ApprovalStatus eq 'A'",
    entity: 'purchase-orders',
    table: 'purchase_orders',
    echo: (row) => (typeof row.promisedDate === 'string' ? row.promisedDate : null),
    map: (r, co) => {
      const lines = childRows(r, 'PODetails');
      const key = erpKey(co, 'PO', r.PONum);
      const v = maxRev(r, lines);
      return {
        key,
        rev: v,
        row: {
          key,
          supplier: text(r.VendorVendorID, 100),
          number: String(r.PONum),
          status: r.VoidOrder === true ? 'cancelled' : r.OpenOrder === true ? 'open' : 'received',
          orderDate: date(r.OrderDate),
          requestedDate: date(r.DueDate),
          promisedDate: date(r.PromiseDate),
          currency: str(r.CurrencyCode),
          total: dec(r.DocTotalOrder),
          lines: lines
            .filter((l) => l.VoidLine !== true)
            .map((l) => ({
              lineNo: Number(l.POLine),
              sku: text(l.VenPartNum, 100) || text(l.PartNum, 100),
              description: text(l.LineDesc, 500) || text(l.PartNum, 500),
              quantity: dec(l.OrderQty),
              uom: str(l.PUM),
              unitPrice: dec(l.DocUnitCost),
              amount: dec(l.DocExtCost),
            })),
          rev: String(v),
        },
      };
    },
  },
];

export const STREAM_NAMES = STREAMS.map((s) => s.name);
export const streamDef = (name: string) => STREAMS.find((s) => s.name === name);
