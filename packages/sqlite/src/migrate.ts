import type Database from 'better-sqlite3';

/**
 * One schema step: SQL run with `exec`, or a function for a step that must check or compute
 * something (it may throw to refuse the upgrade, which then changes nothing).
 */
export type Migration = string | ((db: Database.Database) => void);

export interface MigrateOptions {
  /** What the file is, for error messages: e.g. `ledger`, `queue.db`. */
  readonly name: string;
}

/** What `migrate` did: the schema version found and the version the file now has. */
export interface MigrateResult {
  readonly from: number;
  readonly to: number;
}

/**
 * The file was written by a newer build than this one (its schema version is past the last
 * migration this build knows). Nothing was changed: this build must not touch it.
 */
export class SchemaTooNew extends Error {
  constructor(
    readonly store: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `${store}: schema version ${found} is newer than this build understands (${supported}); ` +
        'run a newer build',
    );
    this.name = 'SchemaTooNew';
  }
}

/**
 * Brings a database up to `migrations.length`, the one way every Strife store versions its
 * schema. `PRAGMA user_version` records how many steps have run; each missing step runs in its
 * own `BEGIN IMMEDIATE` transaction together with the version bump, so a crash or a failing step
 * leaves the file at the last whole version, and two processes opening the same file at once
 * cannot both run a step. Append new steps, never edit a released one.
 *
 * A store that predates versioning (version 0 with its tables already there) upgrades in place
 * if its first step is written with `IF NOT EXISTS`.
 * @throws SchemaTooNew for a file whose version is past `migrations.length`, before any change.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[],
  options: MigrateOptions,
): MigrateResult {
  const target = migrations.length;
  const from = schemaVersion(db);
  if (from > target) throw new SchemaTooNew(options.name, from, target);
  const step = db.transaction((migration: Migration, version: number) => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    if (schemaVersion(db) >= version) return;
    if (typeof migration === 'string') db.exec(migration);
    else migration(db);
    db.pragma(`user_version = ${version}`);
  });
  migrations.forEach((migration, index) => {
    if (index >= from) step.immediate(migration, index + 1);
  });
  return { from, to: target };
}

/** The schema version recorded in the file (0 for a new or unversioned one). */
export function schemaVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}
