export * from './audit.ts';
export * from './business.ts';
export * from './mail.ts';
export * from './mfa.ts';
export * from './parties.ts';
export * from './reviews.ts';
export * from './throttle.ts';
export * from './users.ts';
