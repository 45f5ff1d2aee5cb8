export * from './audit-actions.ts';
export * from './constants.ts';
export * from './errors.ts';
export * from './money.ts';
export * from './parties.ts';
export * from './permissions.ts';
export * from './roles.ts';
export * from './schemas.ts';
