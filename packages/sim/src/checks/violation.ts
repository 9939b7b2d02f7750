/** The properties the simulation checks; each violation names one. */
export type Invariant =
  /** Money is neither created nor destroyed: balances add up to the opening total. */
  | 'conservation'
  /** No balance, hold or available balance below zero. */
  | 'negative-balance'
  /** An account's held/incoming money is exactly its live PREPARED legs. */
  | 'hold-without-prepared'
  /** Never one leg of a transaction committed and another aborted. */
  | 'atomicity'
  /** A leg is committed only under a COMMIT decision, aborted only under ABORT. */
  | 'decision-applied'
  /** A bank holds a leg of a transaction only after its INITIATED is durable, legs as logged. */
  | 'initiated-first'
  /** A payment's status is its transaction's decision (written in one transaction). */
  | 'payment-matches-decision'
  /** Each idempotency key is one payment, one txid. */
  | 'one-payment-per-key'
  /** Every answer for a key is the same, on every instance and every replay. */
  | 'identical-answers'
  /** A lease is taken only from a dead owner, or once it has run out. */
  | 'lease'
  /** The code never logs an unexpected error, a bank never refuses a decision. */
  | 'unexpected-error'
  /** Once faults stop, everything settles within the bound. */
  | 'liveness';

/** A property that did not hold, when, and what it concerns. */
export interface Violation {
  readonly invariant: Invariant;
  readonly message: string;
  /** The event number and simulated time at which the checker saw it. */
  readonly step: number;
  readonly at: number;
  /** Trace tags of what it concerns (`tx:5`, `key:k3`, `SBI`, `gw1`). */
  readonly tags: readonly string[];
}
