export { type BatchWriter } from './batchWriter';
export { type BigintArray } from './bigintTypes';
export { createDatabase } from './createDatabase';
export { DatabaseUrlError, parseDatabaseUrl, redactUrl, type DatabaseUrl } from './databaseUrl';
export { PgGroupCommit, type PgGroupCommitOptions } from './groupCommit';
export { migrate, type AppliedMigration, type MigrateOptions, type Migration } from './migrate';
export { MigrationError, type MigrationErrorCode } from './migrationError';
export { openPool, type PoolOptions } from './pool';
export { type PostgresSource } from './server/binaries';
export {
  PrivatePostgresError,
  startPrivatePostgres,
  type PrivatePostgres,
  type PrivatePostgresOptions,
} from './server/privatePostgres';
export { DatabaseUnavailable, isDatabaseUnavailable, type UnavailableOutcome } from './unavailable';
