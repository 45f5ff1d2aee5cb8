/**
 * The backup errors the CLI reports in words, apart from the backup modules themselves so that every
 * other command starts without loading age-encryption and the archive code.
 */
export class BackupCheckError extends Error {}
export class BackupNotConfigured extends Error {}
