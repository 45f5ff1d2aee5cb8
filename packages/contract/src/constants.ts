// Plain values shared by server and SPA, kept apart from the zod schemas so the SPA bundle need not
// carry zod to know a page size or a status list.

/** Limits in one place, so the server enforces and the SPA shows the same numbers. */
export const LIMITS = {
  pageSizeMax: 200,
  pageSizeDefault: 50,
  searchMax: 100,
  emailMax: 254,
  passwordMax: 128,
  passwordMin: 12,
  nameMax: 200,
} as const;

export const ORDER_STATUSES = ['open', 'confirmed', 'shipped', 'delivered', 'cancelled'] as const;
/** How orders.list sorts: by order date or by total, each either way. Every sort pages by keyset. */
export const ORDER_SORTS = ['newest', 'oldest', 'total-desc', 'total-asc'] as const;
export const INVOICE_STATUSES = ['open', 'paid', 'cancelled'] as const;
/** An invoice bills; a credit note (negative amounts) gives money back. */
export const INVOICE_KINDS = ['invoice', 'credit-note'] as const;
