import type Database from 'better-sqlite3';
import type { Monitor } from '../world/context';

/** What the lease check needs to know about the gateway instances. */
export interface Lives {
  /** Whether the life with this id (`gw1.3`) is the current, live life of its instance. */
  isLive(incarnation: string): boolean;
  /** The instance's clock now (it times the leases it writes and the takeovers it makes). */
  clockOf(owner: string): number | undefined;
}

type Watcher = (
  txid: bigint,
  owner: string | null,
  incarnation: string | null,
  leaseUntil: bigint | null,
  taker: string,
) => void;

/** The current run's watcher per connection (the trigger stays installed across runs). */
const watchers = new WeakMap<Database.Database, Watcher>();

/**
 * Watches every change of a transaction's owner in the shared decision log (a temporary trigger
 * on the simulator's connection, calling back into the checker inside the writing transaction)
 * and reports a takeover of a lease whose owner is alive and whose lease has not run out on the
 * taker's clock. A lease may change hands when its owner died, released it, or stopped renewing.
 */
export function watchLeases(db: Database.Database, lives: Lives, monitor: Monitor): void {
  const first = !watchers.has(db);
  watchers.set(db, (txid, owner, incarnation, leaseUntil, taker) => {
    if (incarnation === null || !lives.isLive(incarnation) || leaseUntil === null) return;
    const now = lives.clockOf(taker);
    if (now === undefined || leaseUntil < BigInt(now)) return;
    monitor.violation(
      'lease',
      `${taker} took tx ${txid} from live ${incarnation} (${owner ?? '?'}), ` +
        `whose lease runs ${leaseUntil - BigInt(now)} ms more`,
      [`tx:${txid}`, taker, owner ?? '?'],
    );
  });
  if (!first) return;
  db.function('sim_lease_moved', { varargs: true }, (...args: unknown[]) => {
    const [txid, owner, incarnation, leaseUntil, taker] = args;
    const watcher = watchers.get(db);
    if (watcher !== undefined && typeof txid === 'bigint' && typeof taker === 'string') {
      watcher(
        txid,
        typeof owner === 'string' ? owner : null,
        typeof incarnation === 'string' ? incarnation : null,
        typeof leaseUntil === 'bigint' ? leaseUntil : null,
        taker,
      );
    }
    return 0;
  });
  db.exec(`
    CREATE TEMP TRIGGER sim_lease_moved AFTER UPDATE OF owner, incarnation ON main.transactions
    WHEN OLD.incarnation IS NOT NULL
      AND (OLD.owner IS NOT NEW.owner OR OLD.incarnation IS NOT NEW.incarnation)
    BEGIN
      SELECT sim_lease_moved(NEW.txid, OLD.owner, OLD.incarnation, OLD.lease_until, NEW.owner);
    END;
  `);
}
