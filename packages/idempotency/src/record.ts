/** The request fields whose equality makes a retry "the same request", e.g. `{ to, amount }`. */
export type Fingerprint = Readonly<Record<string, string>>;

export type KeyState = 'IN_FLIGHT' | 'DONE';

/** One idempotency key as stored. `outcome` and `recoveryPoint` are opaque strings. */
export interface KeyRecord {
  /** Whose key this is (the user); keys never collide across scopes. */
  readonly scope: string;
  readonly key: string;
  readonly fingerprint: Fingerprint;
  readonly state: KeyState;
  /** The stored outcome, once DONE. */
  readonly outcome: string | undefined;
  /** What the attempt made durable elsewhere (e.g. its txid), so a completer can finish it. */
  readonly recoveryPoint: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** DONE keys may be pruned after this; undefined while IN_FLIGHT. */
  readonly expiresAt: Date | undefined;
}
