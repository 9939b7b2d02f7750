import { assertIdempotencyKey, IdempotencyKeyReused, RequestInFlight } from '@strife/domain';
import type { Fingerprint, KeyRecord } from './record';
import type { IdempotencyStore } from './store';

/** Turns an outcome into the string the store keeps, and back. */
export interface Codec<T> {
  encode(value: T): string;
  decode(text: string): T;
}

export interface IdempotencyKeysOptions<T> {
  readonly store: IdempotencyStore;
  readonly codec: Codec<T>;
  /** How long a DONE key is kept. Default 24 h. */
  readonly retentionMs?: number;
  /** How long a retry waits for an in-flight attempt before `RequestInFlight`. Default 5000 ms. */
  readonly waitMs?: number;
  /** How often a waiting retry re-reads the store (for attempts in other processes). Default 25 ms. */
  readonly pollMs?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** The first request with a key goes ahead (`new`); a retry gets the stored outcome (`replay`). */
export type Claim<T> =
  { readonly status: 'new' } | { readonly status: 'replay'; readonly outcome: T };

/**
 * Idempotency keys, scoped per user: the same key with the same request yields the first
 * outcome forever (until retention ends); with a different request it is refused naming the
 * fields that differ. A retry that arrives while the first attempt runs waits for it, bounded.
 */
export class IdempotencyKeys<T> {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly retentionMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;

  constructor(private readonly options: IdempotencyKeysOptions<T>) {
    this.retentionMs = options.retentionMs ?? 86_400_000;
    this.waitMs = options.waitMs ?? 5000;
    this.pollMs = options.pollMs ?? 25;
    this.now = options.now ?? Date.now;
  }

  /**
   * Claims `key` for `scope` with this request's fingerprint. A new claim starts with
   * `recoveryPoint` when given (saving a `setRecoveryPoint` write when it is known up front).
   * @throws InvalidArgument for a malformed key; IdempotencyKeyReused for the same key with a
   *   different request; RequestInFlight when another attempt is still running after `waitMs`.
   */
  async claim(
    scope: string,
    key: string,
    fingerprint: Fingerprint,
    recoveryPoint?: string,
  ): Promise<Claim<T>> {
    assertIdempotencyKey(key);
    const deadline = this.now() + this.waitMs;
    for (;;) {
      const { record, inserted } = await this.options.store.insertIfAbsent(
        scope,
        key,
        fingerprint,
        new Date(this.now()),
        recoveryPoint,
      );
      if (inserted) return { status: 'new' };
      const differing = differences(record.fingerprint, fingerprint);
      if (differing.length > 0) throw new IdempotencyKeyReused(key, differing);
      if (record.state === 'DONE') return { status: 'replay', outcome: this.decode(record) };
      const left = deadline - this.now();
      if (left <= 0) throw new RequestInFlight(key);
      await this.settledOrTimeout(scope, key, Math.min(left, this.pollMs));
    }
  }

  /** Records what the running attempt made durable elsewhere, for `inFlight()` recovery. */
  setRecoveryPoint(scope: string, key: string, recoveryPoint: string): Promise<void> {
    return this.options.store.setRecoveryPoint(scope, key, recoveryPoint, new Date(this.now()));
  }

  /** Stores the outcome and wakes waiting retries. Returns the stored outcome (the first one wins). */
  async complete(scope: string, key: string, outcome: T): Promise<T> {
    const now = this.now();
    const record = await this.options.store.complete(
      scope,
      key,
      this.options.codec.encode(outcome),
      new Date(now),
      new Date(now + this.retentionMs),
    );
    this.wake(scope, key);
    return this.decode(record);
  }

  /** Frees a key whose attempt did nothing durable, so a retry starts afresh. */
  async release(scope: string, key: string): Promise<void> {
    await this.options.store.release(scope, key);
    this.wake(scope, key);
  }

  get(scope: string, key: string): Promise<KeyRecord | undefined> {
    return this.options.store.get(scope, key);
  }

  /** Keys whose attempt never finished (e.g. the process died): for a completer at start. */
  inFlight(): Promise<KeyRecord[]> {
    return this.options.store.inFlight();
  }

  /** Prunes DONE keys past retention; returns how many. */
  expire(): Promise<number> {
    return this.options.store.deleteExpired(new Date(this.now()));
  }

  /** The stored outcome of a DONE record. */
  decode(record: KeyRecord): T {
    if (record.outcome === undefined) throw new Error(`key ${record.key} has no outcome yet`);
    return this.options.codec.decode(record.outcome);
  }

  private settledOrTimeout(scope: string, key: string, ms: number): Promise<void> {
    const id = `${scope}\u0000${key}`;
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  private wake(scope: string, key: string): void {
    const set = this.waiters.get(`${scope}\u0000${key}`);
    set?.forEach((wake) => wake());
  }
}

/** The fields whose values differ between two fingerprints, sorted. */
function differences(stored: Fingerprint, requested: Fingerprint): string[] {
  const fields = new Set([...Object.keys(stored), ...Object.keys(requested)]);
  return [...fields].filter((f) => stored[f] !== requested[f]).sort();
}
