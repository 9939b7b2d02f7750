/**
 * Why `migrate` refused or failed:
 * - `invalid-migrations`: the list given is malformed (versions not positive, increasing integers;
 *   empty names; a lock key outside int8).
 * - `database-newer`: the database records a version newer than the newest migration given
 *   (an older build against a newer schema).
 * - `edited`: the database records a different name for a version (a released migration was
 *   changed), or a version the list does not have.
 * - `out-of-order`: a migration older than the newest applied one was never applied.
 * - `failed`: a migration's SQL failed; it was rolled back, earlier ones stay applied. `cause`
 *   holds the database's error.
 */
export type MigrationErrorCode =
  'invalid-migrations' | 'database-newer' | 'edited' | 'out-of-order' | 'failed';

/** `migrate` refused the database or the list of migrations, or a migration failed. */
export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}
