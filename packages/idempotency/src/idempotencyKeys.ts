import {
  assertIdempotencyKey,
  IdempotencyKeyExpired,
  IdempotencyKeyReused,
  RequestInFlight,
} from '@strife/domain';

/** The request fields whose equality makes a retry "the same request", e.g. `{ to, amount }`. */
export type Fingerprint = Readonly<Record<string, string>>;

/** What the store holds under a key: the request it was first used for, and its outcome. */
export type Stored<T> =
  | {
      readonly state: 'KNOWN';
      readonly fingerprint: Fingerprint;
      /** The outcome, or undefined while the first attempt is still running. */
      readonly outcome: T | undefined;
    }
  /** The key's record was pruned after its retention: it may have been used, so it is refused. */
  | { readonly state: 'EXPIRED' };

export interface IdempotencyKeysOptions<T> {
  /**
   * Reads what the store holds under (scope, key). The store is the caller's: a key is recorded
   * there by the `begin` step of `claim`, atomically with whatever that request starts.
   */
  readonly find: (scope: string, key: string) => Promise<Stored<T> | undefined>;
  /** How long a retry waits for an in-flight attempt before `RequestInFlight`. Default 5000 ms. */
  readonly waitMs?: number;
  /**
   * How often a waiting retry re-reads the store, for attempts running in another process.
   * Default 25 ms; waiters in this process are woken at once by `settled`.
   */
  readonly pollMs?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Calls `wake` after `ms` milliseconds and returns a function that cancels it: how a waiting
   * retry times its next look at the store. Default `setTimeout`; a simulation passes its own.
   */
  readonly timer?: Timer;
}

/** Calls `wake` after `ms` milliseconds; the function it returns cancels that. */
export type Timer = (ms: number, wake: () => void) => () => void;

/** Node's `setTimeout`. */
const nodeTimer: Timer = (ms, wake) => {
  const timer = setTimeout(wake, ms);
  return () => {
    clearTimeout(timer);
  };
};

/** The first request with a key goes ahead (`new`); a retry gets the stored outcome (`replay`). */
export type Claim<T> =
  { readonly status: 'new' } | { readonly status: 'replay'; readonly outcome: T };

/**
 * Idempotency keys, scoped per user, over any store: the same key with the same request yields
 * the first outcome forever (until retention ends, after which it is refused); with a different
 * request it is refused naming the fields that differ. A retry that arrives while the first
 * attempt runs — in this process or another — waits for it, bounded.
 */
export class IdempotencyKeys<T> {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly timer: Timer;

  constructor(private readonly options: IdempotencyKeysOptions<T>) {
    this.waitMs = options.waitMs ?? 5000;
    this.pollMs = options.pollMs ?? 25;
    this.now = options.now ?? Date.now;
    this.timer = options.timer ?? nodeTimer;
  }

  /**
   * Claims `key` for `scope` with this request's fingerprint. An unknown key is claimed by
   * `begin`, which records it durably (with whatever the request starts) and resolves false if
   * another attempt recorded it first. Each key is therefore claimed once, by one attempt.
   * @throws InvalidArgument for a malformed key; IdempotencyKeyReused for the same key with a
   *   different request; IdempotencyKeyExpired for a key whose record was pruned;
   *   RequestInFlight when another attempt is still running after `waitMs`; whatever `begin`
   *   throws (nothing is recorded then).
   */
  async claim(
    scope: string,
    key: string,
    fingerprint: Fingerprint,
    begin: () => Promise<boolean>,
  ): Promise<Claim<T>> {
    assertIdempotencyKey(key);
    const deadline = this.now() + this.waitMs;
    for (;;) {
      const stored = await this.options.find(scope, key);
      if (stored === undefined) {
        if (await begin()) return { status: 'new' };
        continue;
      }
      if (stored.state === 'EXPIRED') throw new IdempotencyKeyExpired(key);
      const differing = differences(stored.fingerprint, fingerprint);
      if (differing.length > 0) throw new IdempotencyKeyReused(key, differing);
      if (stored.outcome !== undefined) return { status: 'replay', outcome: stored.outcome };
      const left = deadline - this.now();
      if (left <= 0) throw new RequestInFlight(key);
      await this.settledOrTimeout(scope, key, Math.min(left, this.pollMs));
    }
  }

  /** Wakes the retries of (scope, key) waiting in this process: its outcome is now stored. */
  settled(scope: string, key: string): void {
    this.waiters.get(`${scope}\u0000${key}`)?.forEach((wake) => wake());
  }

  private settledOrTimeout(scope: string, key: string, ms: number): Promise<void> {
    const id = `${scope}\u0000${key}`;
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const done = (): void => {
        cancel();
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve();
      };
      const cancel = this.timer(ms, done);
      set.add(done);
    });
  }
}

/** The fields whose values differ between two fingerprints, sorted. */
function differences(stored: Fingerprint, requested: Fingerprint): string[] {
  const fields = new Set([...Object.keys(stored), ...Object.keys(requested)]);
  return [...fields].filter((f) => stored[f] !== requested[f]).sort();
}
