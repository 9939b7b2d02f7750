import type { Backoff } from '@strife/domain';

/** How the retrier spaces out attempts: 5 s, doubling to a minute (DESIGN.md "Offline client"). */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 5000, maxMs: 60_000 };
