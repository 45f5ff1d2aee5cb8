import type { AdminCatalogue } from '../i18n.ts';

/** German, the admin part: exactly the English admin part's keys (the typecheck refuses a missing or extra one). */
export default {
  'admin.users.title': 'Benutzer',
} satisfies AdminCatalogue;
