import type { Fingerprint, KeyRecord } from './record';

/**
 * Where keys live. Asynchronous so that a shared backend (PostgreSQL, for several gateway
 * instances) can stand in for the embedded SQLite one. Every method is atomic on its own.
 */
export interface IdempotencyStore {
  /**
   * Inserts an IN_FLIGHT key, with `recoveryPoint` if given, unless one exists; returns the
   * stored record and whether it is new.
   */
  insertIfAbsent(
    scope: string,
    key: string,
    fingerprint: Fingerprint,
    now: Date,
    recoveryPoint?: string,
  ): Promise<{ record: KeyRecord; inserted: boolean }>;
  get(scope: string, key: string): Promise<KeyRecord | undefined>;
  /** Records an IN_FLIGHT key's recovery point. */
  setRecoveryPoint(scope: string, key: string, recoveryPoint: string, now: Date): Promise<void>;
  /** IN_FLIGHT → DONE with the outcome. A DONE key keeps its first outcome. */
  complete(
    scope: string,
    key: string,
    outcome: string,
    now: Date,
    expiresAt: Date,
  ): Promise<KeyRecord>;
  /** Deletes an IN_FLIGHT key (nothing durable was done under it). DONE keys are kept. */
  release(scope: string, key: string): Promise<void>;
  /** Every IN_FLIGHT key, oldest first. */
  inFlight(): Promise<KeyRecord[]>;
  /** Deletes DONE keys whose expiry has passed; returns how many. */
  deleteExpired(now: Date): Promise<number>;
  close(): Promise<void>;
}
