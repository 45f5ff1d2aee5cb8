export * from './audit.ts';
export * from './business.ts';
export * from './parties.ts';
export * from './users.ts';
export * from './throttle.ts';
