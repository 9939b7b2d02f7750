import type { Backoff } from '@strife/domain';
import { usageError } from '../exitCodes';
import { intOption } from '../input';

/** `--retry-initial-ms` and `--retry-max-ms`, shared by `daemon` and `shell`. */
export interface RetryFlags {
  /** Default "5000". */
  readonly retryInitialMs: string;
  /** Default "60000". */
  readonly retryMaxMs: string;
}

const DAY_MS = 86_400_000;

/** The backoff the flags ask for. @throws a usage error when out of range or max < initial. */
export function backoffOf(flags: RetryFlags): Backoff {
  const initialMs = intOption(flags.retryInitialMs, '--retry-initial-ms', 1, DAY_MS);
  const maxMs = intOption(flags.retryMaxMs, '--retry-max-ms', 1, DAY_MS);
  if (maxMs < initialMs) {
    throw usageError(`--retry-max-ms: ${maxMs} is less than --retry-initial-ms ${initialMs}`);
  }
  return { initialMs, maxMs };
}
