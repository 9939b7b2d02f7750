import type { Context } from '../context';
import { EXIT } from '../exitCodes';
import type { Result } from '../output';
import { startRetrier } from './background';
import { backoffOf, type RetryFlags } from './retrierFlags';

/**
 * `strife daemon`: runs the retrier in the foreground until SIGINT or SIGTERM, then finishes the
 * send in progress and exits 0 (a second signal exits 130 at once). With `--json` its stdout is
 * JSON Lines: one object per event, `{"event":"payment",…}` or `{"event":"waiting-for-login",…}`.
 */
export async function daemon(ctx: Context, flags: RetryFlags): Promise<Result> {
  const backoff = backoffOf(flags);
  const retrier = startRetrier(ctx, backoff);
  ctx.sink.err(
    `strife: daemon sending queued payments to ${retrier.address} (retry every ${backoff.initialMs}..${backoff.maxMs} ms); stop with Ctrl-C\n`,
  );
  await untilSignal();
  await retrier.stop();
  ctx.sink.err('strife: daemon stopped\n');
  return { exitCode: EXIT.OK };
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      const now = (): never => process.exit(130);
      process.once('SIGINT', now);
      process.once('SIGTERM', now);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
