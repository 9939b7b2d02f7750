/**
 * A mechanism of the protocol switched off on purpose, to prove that the checkers notice:
 * - `no-hold`: a bank votes YES on a debit without holding the money;
 * - `no-write-once`: a decision can be overwritten by a later one;
 * - `no-lease-check`: takeover ignores leases and takes what live instances are working on;
 * - `presumed-commit`: an undecided (or unknown) transaction is presumed committed, not aborted.
 * Each is injected in the simulator's adapters around the real code; the real code is unchanged.
 */
export type Mutation = 'none' | 'no-hold' | 'no-write-once' | 'no-lease-check' | 'presumed-commit';

/** Every mutation that breaks something. */
export const MUTATIONS: readonly Exclude<Mutation, 'none'>[] = [
  'no-hold',
  'no-write-once',
  'no-lease-check',
  'presumed-commit',
];

export { booksFor } from './books';
export { decisionLogFor } from './decisionLog';
