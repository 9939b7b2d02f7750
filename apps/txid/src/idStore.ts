import type Database from 'better-sqlite3';
import { InvalidArgument } from '@strife/domain';
import { migrate, type Migration, openDurableDatabase, storageFailureOf } from '@strife/sqlite';

/**
 * The store's schema steps (`migrate` in `@strife/sqlite`); append, never edit. Step 1 is the
 * schema files had before versioning, written IF NOT EXISTS so that such a file upgrades in place.
 */
export const ID_STORE_MIGRATIONS: readonly Migration[] = [
  `CREATE TABLE IF NOT EXISTS high_water (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     high INTEGER NOT NULL
   );
   INSERT OR IGNORE INTO high_water (id, high) VALUES (1, 0);`,
];

/** Largest block one Lease may take. */
export const MAX_LEASE = 100_000;

export interface Block {
  /** The block is [first, first + count). */
  readonly first: bigint;
  readonly count: number;
}

/**
 * The durable high-water mark. `lease` raises it and the write is fsynced (WAL,
 * synchronous=FULL) before the block is returned, so after any crash the next block starts
 * above every id ever handed out: ids may be skipped, never repeated.
 */
export class IdStore {
  private readonly db: Database.Database;
  private readonly read: Database.Statement<[], { high: bigint }>;
  private readonly raise: Database.Statement<[bigint]>;

  /**
   * Opens (creating or upgrading) the store at `path`; refuses a file of a newer build.
   * `beforeCommit` runs inside each lease's transaction before it commits (fault injection: a
   * throw fails the lease and nothing is written).
   */
  constructor(
    path: string,
    private readonly beforeCommit: () => void = () => undefined,
  ) {
    this.db = openDurableDatabase(path, { safeIntegers: true });
    try {
      migrate(this.db, ID_STORE_MIGRATIONS, { name: `txid store ${path}` });
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.read = this.db.prepare('SELECT high FROM high_water WHERE id = 1');
    this.raise = this.db.prepare('UPDATE high_water SET high = ? WHERE id = 1');
  }

  /** Reserves `count` ids (1..MAX_LEASE). @throws InvalidArgument for any other count. */
  lease(count: number): Block {
    if (!Number.isInteger(count) || count < 1 || count > MAX_LEASE) {
      throw new InvalidArgument('count', `must be between 1 and ${MAX_LEASE}`);
    }
    try {
      return this.db.transaction((): Block => {
        const row = this.read.get();
        const high = row?.high ?? 0n;
        this.raise.run(high + BigInt(count));
        this.beforeCommit();
        return { first: high + 1n, count };
      })();
    } catch (err) {
      throw storageFailureOf(err, 'the txid store');
    }
  }

  /**
   * A durable write that changes nothing (the high-water mark rewritten as it is): whether the
   * disk takes writes (health probes). @throws StorageFailure when it does not.
   */
  probe(): void {
    try {
      this.db.transaction(() => {
        this.raise.run(this.read.get()?.high ?? 0n);
        this.beforeCommit();
      })();
    } catch (err) {
      throw storageFailureOf(err, 'the txid store');
    }
  }

  /** The highest id leased so far (0 before the first lease). */
  highWater(): bigint {
    return this.read.get()?.high ?? 0n;
  }

  close(): void {
    this.db.close();
  }
}
