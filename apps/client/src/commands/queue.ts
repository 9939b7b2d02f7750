import { formatAmount } from '@strife/domain';
import type { Context } from '../context';
import { ok, type Result } from '../output';

/** `strife queue`: what waits in the local offline queue. Needs no gateway and no session. */
export function listQueue(ctx: Context): Result {
  const queued = ctx.queue.list().map((p) => ({
    key: p.key,
    to: p.to,
    amount: formatAmount(p.amount),
    attempts: p.attempts,
    nextAttemptAt: new Date(p.nextAttemptAt).toISOString(),
    lastError: p.lastError,
  }));
  const text = queued.map(
    (p) =>
      `${p.key} to ${p.to} of ${p.amount}: ${p.attempts} attempt(s), next at ${p.nextAttemptAt}` +
      (p.lastError === undefined ? '' : ` (last: ${p.lastError})`),
  );
  return ok(
    { queued: queued.map(({ lastError: _lastError, ...entry }) => entry) },
    text.length > 0 ? text : ['the offline queue is empty'],
  );
}
