import {
  apiError,
  BATCH_ENTITIES,
  BATCH_MAX_ROWS,
  BATCH_ROW_SCHEMAS,
  BATCH_SCOPE,
  batchResult,
  erpMasterData,
  eventsPage,
  eventsQuery,
  INTEGRATION_EVENT_TYPES,
  masterDataParams,
  supplierInvoiceStatusBody,
  supplierInvoiceStatusResult,
} from '@gatehouse/contract';
import { z } from 'zod';
import { createDocument } from 'zod-openapi';

const error = (description: string) => ({ description, content: { 'application/json': { schema: apiError } } });

/**
 * The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas the routes validate with,
 * so the document cannot drift from what the server accepts and answers.
 */
export function openApiDocument() {
  const batchPaths = Object.fromEntries(
    BATCH_ENTITIES.map((entity) => [
      `/batches/${entity}`,
      {
        post: {
          operationId: `batch_${entity.replace(/-/g, '_')}`,
          summary: `Upsert ${entity} by ERP key`,
          description:
            `Scope \`${BATCH_SCOPE[entity]}\`. At most ${BATCH_MAX_ROWS} rows and 5 MB. ` +
            'Atomic by default: any rejected row answers 422 and changes nothing; `mode: "partial"` applies the good rows. ' +
            'A row applies only when its `rev` is above the stored one, so replays and late pages are harmless.',
          requestParams: {
            header: z.object({
              'idempotency-key': z
                .string()
                .max(255)
                .meta({ description: 'Required. The same key and body replay the stored answer (72 h).' }),
            }),
          },
          requestBody: {
            content: {
              'application/json': {
                schema: z.object({
                  mode: z.enum(['atomic', 'partial']).optional(),
                  rows: z.array(BATCH_ROW_SCHEMAS[entity]).min(1).max(BATCH_MAX_ROWS),
                }),
              },
            },
          },
          responses: {
            '200': {
              description: 'Applied; each row’s outcome (replays carry `Idempotent-Replayed: true`)',
              content: { 'application/json': { schema: batchResult } },
            },
            '400': error('The body is not JSON, not { mode?, rows }, or the Idempotency-Key is missing'),
            '401': error('No valid key (the same answer for every reason)'),
            '403': error('The key may not be used from this address, or lacks the scope'),
            '409': error('A request with this Idempotency-Key is still running'),
            '413': error('More than 1,000 rows, or more than 5 MB'),
            '415': error('The body is not application/json'),
            '422': {
              description:
                'An atomic batch with a rejected row (nothing applied; every row’s errors listed), or the Idempotency-Key was used with another body',
              content: { 'application/json': { schema: batchResult.or(apiError) } },
            },
            '429': error('The key’s request or row budget is spent; retry after Retry-After seconds'),
            '503': error('The database is briefly unavailable, or ERP writes are not configured'),
          },
        },
      },
    ]),
  );
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse integration API',
      version: '1',
      description:
        'For ERPs and middleware. Authenticate with an integration key in `Authorization: Bearer ghk_…` ' +
        '(never in the URL). Keys are made by a system admin on the Integrations screen.',
    },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: { integrationKey: { type: 'http', scheme: 'bearer', bearerFormat: 'ghk_<id>_<secret>' } },
    },
    security: [{ integrationKey: [] }],
    paths: {
      ...batchPaths,
      '/master-data/{kind}/{ref}': {
        get: {
          operationId: 'getMasterData',
          summary: 'A customer’s or supplier’s current address and bank details',
          description: 'Scope `master-data:read`. Every read is audited on the party.',
          requestParams: { path: masterDataParams },
          responses: {
            '200': { description: 'The current values', content: { 'application/json': { schema: erpMasterData } } },
            '401': error('No valid key'),
            '403': error('The key lacks the scope or the address'),
            '404': error('No party of that kind has the ERP reference'),
          },
        },
      },
      '/documents/{entity}/{key}/pdf': {
        put: {
          operationId: 'putDocumentPdf',
          summary: 'The ERP’s own PDF of a document, served to users instead of the rendered one',
          description:
            'Scope: the entity’s batch write scope. Body `application/pdf`, at most 5 MB, starting with `%PDF-`. ' +
            'The document must be mirrored already; sending again replaces the file. Audited on the party.',
          requestParams: {
            path: z.object({
              entity: z.enum(['orders', 'invoices', 'shipments', 'purchase-orders']),
              key: z.string().meta({ description: 'The document’s ERP key.' }),
            }),
          },
          requestBody: { content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } },
          responses: {
            '200': {
              description: 'Stored',
              content: {
                'application/json': {
                  schema: z.object({ entity: z.string(), key: z.string(), sha256: z.string(), sizeBytes: z.number() }),
                },
              },
            },
            '401': error('No valid key'),
            '403': error('The key lacks the scope or the address'),
            '404': error('No document of that kind has the ERP key'),
            '413': error('More than 5 MB'),
            '415': error('The body is not a PDF'),
            '503': error('The database is briefly unavailable, or ERP writes are not configured'),
          },
        },
      },
      '/supplier-invoices/status': {
        post: {
          operationId: 'setSupplierInvoiceStatus',
          summary: 'Report a supplier invoice’s status (received, approved, scheduled, paid, rejected)',
          description:
            'Scope `supplier-invoices:write`. Audited on the supplier; the same status again changes nothing.',
          requestBody: { content: { 'application/json': { schema: supplierInvoiceStatusBody } } },
          responses: {
            '200': {
              description: 'The status now',
              content: { 'application/json': { schema: supplierInvoiceStatusResult } },
            },
            '400': error('The body is not valid (a paid invoice needs its paymentDate)'),
            '401': error('No valid key'),
            '403': error('The key lacks the scope or the address'),
            '404': error('No invoice of that number from that supplier'),
            '409': error('The invoice is paid; its status no longer changes'),
          },
        },
      },
      '/events': {
        get: {
          operationId: 'listEvents',
          summary: 'Decisions the ERP must apply, after a cursor',
          description: `Scope \`events:read\`. Types: ${INTEGRATION_EVENT_TYPES.join(', ')}.`,
          requestParams: { query: eventsQuery },
          responses: {
            '200': { description: 'One page of events', content: { 'application/json': { schema: eventsPage } } },
            '400': error('The query is not valid, or a key was sent in the URL'),
            '401': error('No valid key (the same answer for every reason)'),
            '403': error('The key may not be used from this address, or lacks the scope'),
            '429': error('Too many failures from this address, or the key’s request budget is spent'),
            '503': error('The database is briefly unavailable; retry after Retry-After seconds'),
          },
        },
      },
    },
  });
}
