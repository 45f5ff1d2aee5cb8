/**
 * English, the admin part (staff and administration screens; keys 'admin.*'): docs/i18n.md. Loaded with the
 * first page that needs it (withCatalogue in main.tsx), never on a customer's or supplier's first screen.
 */
export default {
  'admin.users.title': 'Users',
};
