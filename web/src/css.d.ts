// Vite bundles imported stylesheets into a hashed .css file; to TypeScript they are side effects only.
declare module '*.css' {}
