import pino from 'pino';
import type { Logger } from '@strife/runtime';

/** A pino logger, and where its error lines go for now. */
interface Pooled {
  readonly logger: Logger;
  readonly sink: { to: (message: string) => void };
}

const nowhere = (): void => undefined;

/** Loggers no world uses: building a pino logger costs as much as dozens of events. */
const idle: Pooled[] = [];

function create(): Pooled {
  const sink = { to: nowhere as (message: string) => void };
  const logger = pino(
    { level: 'error', base: null, timestamp: false },
    {
      write: (line: string) => {
        let message = line;
        try {
          const parsed = JSON.parse(line) as { msg?: unknown; err?: { message?: unknown } };
          const err = typeof parsed.err?.message === 'string' ? `: ${parsed.err.message}` : '';
          message = `${String(parsed.msg)}${err}`;
        } catch {
          // Not JSON: report the line as it is.
        }
        sink.to(message);
      },
    },
  );
  return { logger, sink };
}

/** A world's error logger, and how to give it back once the world is done. */
export interface ErrorLogger {
  readonly logger: Logger;
  release(): void;
}

/**
 * A pino logger that drops everything below `error` and hands each error line to `onError`: the
 * real code logs an error only for something that must not happen (an unexpected exception in a
 * leg operation, an in-doubt leg it cannot resolve), which the simulation reports. Loggers are
 * reused across worlds: after `release`, its lines go nowhere until it is taken again.
 */
export function errorLogger(onError: (message: string) => void): ErrorLogger {
  const pooled = idle.pop() ?? create();
  pooled.sink.to = onError;
  let released = false;
  return {
    logger: pooled.logger,
    release: () => {
      if (released) return;
      released = true;
      pooled.sink.to = nowhere;
      idle.push(pooled);
    },
  };
}
