import { apiError, eventsPage, eventsQuery, INTEGRATION_EVENT_TYPES } from '@gatehouse/contract';
import { createDocument } from 'zod-openapi';

const error = (description: string) => ({ description, content: { 'application/json': { schema: apiError } } });

/**
 * The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas the routes validate with,
 * so the document cannot drift from what the server accepts and answers.
 */
export function openApiDocument() {
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
