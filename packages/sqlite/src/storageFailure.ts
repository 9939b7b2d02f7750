import { DependencyUnavailable } from '@strife/domain';

/** SQLite result codes that mean the disk, not the statement, failed. */
const STORAGE_CODES = /^SQLITE_(IOERR|FULL|CANTOPEN|CORRUPT|NOTADB|READONLY|BUSY|LOCKED|NOMEM)/;

/**
 * A write failed because the store's file could not be written (I/O error, disk full, the file
 * locked or unreadable), not because of what was asked. Nothing of the failed transaction was
 * applied; the caller is told UNAVAILABLE and may retry once the disk recovers.
 */
export class StorageFailure extends DependencyUnavailable {
  constructor(
    readonly store: string,
    readonly reason: string,
  ) {
    super(`${store}: storage failed (${reason}); nothing was written, try again later`);
  }
}

/**
 * `error` as a `StorageFailure` of `store` when it is a disk-level SQLite error (its `code`
 * starts SQLITE_IOERR, SQLITE_FULL, …); any other error unchanged.
 */
export function storageFailureOf(error: unknown, store: string): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && STORAGE_CODES.test(code)) return new StorageFailure(store, code);
  return error;
}
