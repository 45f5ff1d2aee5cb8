// The only thing the web package imports from the server: the router's type.
export type { AppRouter } from './router.ts';
