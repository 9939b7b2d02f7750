import { TooManyAttempts } from '@strife/domain';

/** Whether a reservation went ahead; if not, how long to wait. */
export type ReserveAnswer =
  { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** A counter of login attempts in a fixed window, and how many it admits. */
export interface ThrottleBucket {
  readonly key: string;
  readonly limit: number;
}

/**
 * Login attempts counted per bucket, shared by every gateway instance. A bucket holds the failed
 * attempts of its current window and the attempts still being checked. `reserve` is atomic, so
 * however many attempts arrive at once — on however many instances — at most `limit` of them
 * per bucket are ever let through to a password check in one window.
 *
 * An attempt being checked belongs to the instance (name and incarnation) that reserved it. When
 * that process dies mid-check, its attempt is neither a failure nor a success: it stops counting
 * as soon as the instance runs again under its name with a new incarnation, or after
 * `CHECK_FORGOTTEN_MS` if it never does. A crash must not lock users out.
 */
export interface LoginThrottleStore {
  /**
   * Counts one attempt being checked in every bucket, unless that would take any bucket past
   * its limit (failures in the window plus checks in flight): then nothing is counted, and the
   * answer says how long to wait.
   */
  reserve(
    buckets: readonly ThrottleBucket[],
    now: number,
    windowMs: number,
  ): Promise<ReserveAnswer>;
  /**
   * Ends a check `reserve` counted: no longer in flight, and a failure in each bucket's window
   * when `failed` (a window that ended meanwhile starts again at `now`).
   */
  settle(keys: readonly string[], failed: boolean, now: number, windowMs: number): Promise<void>;
  /** Forgets windows and checks that ended before `before`; returns how many buckets. */
  prune(before: number): Promise<number>;
}

/**
 * How long an attempt counts as being checked at most. A check takes tens of milliseconds; one
 * older than this was reserved by a process that died and did not come back.
 */
export const CHECK_FORGOTTEN_MS = 60_000;

/** The wait suggested when a bucket is full only of checks still in flight. */
export const CHECKS_IN_FLIGHT_RETRY_MS = 1_000;

/**
 * How login attempts are limited. Attempts are counted per (username, source address), so a
 * guesser elsewhere cannot lock the owner out; per source address across usernames, so one
 * password tried against many users is slowed too; and per username across addresses, with a
 * higher limit, against guessing spread over many addresses. Only failures (and attempts still
 * being checked) count.
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
 * @returns the bucket keys, to `settle` once the password is checked.
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

/** One bucket as a reservation finds it. */
export interface BucketCount {
  readonly bucket: ThrottleBucket;
  /** Start of the bucket's window, if it has one. */
  readonly windowStart: number | undefined;
  /** Failures counted in that window. */
  readonly failures: number;
  /** Attempts being checked now (forgotten ones excluded). */
  readonly checking: number;
}

/**
 * Whether a reservation may go ahead: every bucket's failures in a window still running plus its
 * checks in flight stay below its limit. Otherwise, how long until the fullest bucket frees up:
 * its window's end if failures alone fill it, else a moment for the checks in flight to finish.
 */
export function admit(
  counts: readonly BucketCount[],
  now: number,
  windowMs: number,
): ReserveAnswer {
  let wait = 0;
  for (const c of counts) {
    const live = c.windowStart !== undefined && c.windowStart > now - windowMs;
    const failures = live ? c.failures : 0;
    if (failures + c.checking < c.bucket.limit) continue;
    const until =
      failures >= c.bucket.limit && c.windowStart !== undefined
        ? c.windowStart + windowMs - now
        : CHECKS_IN_FLIGHT_RETRY_MS;
    wait = Math.max(wait, until, 1);
  }
  return wait === 0 ? { ok: true } : { ok: false, retryAfterMs: wait };
}
