import { TooManyAttempts } from '@strife/domain';

/** A counter of login attempts in a fixed window, and how many it admits. */
export interface ThrottleBucket {
  readonly key: string;
  readonly limit: number;
}

/**
 * Login attempts counted per bucket, shared by every gateway instance. `reserve` is atomic, so
 * however many attempts arrive at once — on however many instances — at most `limit` of them
 * per bucket are ever let through to a password check in one window.
 */
export interface LoginThrottleStore {
  /**
   * Counts one attempt in every bucket, unless that would take any bucket past its limit in the
   * current window: then nothing is counted, and the answer says how long until that bucket's
   * window ends.
   */
  reserve(
    buckets: readonly ThrottleBucket[],
    now: number,
    windowMs: number,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number }>;
  /** Takes one attempt back from each bucket still in its window (the password was right). */
  release(keys: readonly string[], now: number, windowMs: number): Promise<void>;
  /** Forgets windows that ended before `before`; returns how many. */
  prune(before: number): Promise<number>;
}

/**
 * How login attempts are limited. Attempts are counted per (username, source address), so a
 * guesser elsewhere cannot lock the owner out; per source address across usernames, so one
 * password tried against many users is slowed too; and per username across addresses, with a
 * higher limit, against guessing spread over many addresses. A successful login takes its
 * attempt back, so only failures (and attempts still being checked) count.
 */
export interface ThrottlePolicy {
  /** Length of a counting window. Default 15 minutes. */
  readonly windowMs: number;
  /** Attempts per username from one address per window. Default 5. */
  readonly perUserAndAddress: number;
  /** Attempts from one address per window, all usernames together. Default 50. */
  readonly perAddress: number;
  /** Attempts per username per window, all addresses together. Default 20. */
  readonly perUser: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  perUserAndAddress: 5,
  perAddress: 50,
  perUser: 20,
};

/** The buckets one login attempt counts in. */
export function bucketsFor(
  username: string,
  address: string,
  policy: ThrottlePolicy,
): ThrottleBucket[] {
  return [
    { key: `user+address:${username} ${address}`, limit: policy.perUserAndAddress },
    { key: `address:${address}`, limit: policy.perAddress },
    { key: `user:${username}`, limit: policy.perUser },
  ];
}

/**
 * Reserves one attempt for `username` from `address` before its password is checked.
 * @throws TooManyAttempts (RESOURCE_EXHAUSTED, with the wait) when a bucket is full.
 * @returns the bucket keys, to `release` if the password turns out right.
 */
export async function reserveAttempt(
  store: LoginThrottleStore,
  username: string,
  address: string,
  now: number,
  policy: ThrottlePolicy,
): Promise<string[]> {
  const buckets = bucketsFor(username, address, policy);
  const answer = await store.reserve(buckets, now, policy.windowMs);
  if (!answer.ok) throw new TooManyAttempts(answer.retryAfterMs);
  return buckets.map((b) => b.key);
}
