import type { Logger } from 'pino';
import { ConfigError } from './config/configError';

/**
 * Runs `close` once on the first SIGINT or SIGTERM, then exits 0 (1 if closing failed). A
 * second signal while closing exits at once with 130.
 */
export function onShutdownSignal(logger: Logger, close: () => Promise<void>): void {
  let closing = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal; exiting now');
      process.exit(130);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    close().then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/**
 * Runs an app's `main`. A `ConfigError` prints its one line to stderr and exits 2; any other
 * start-up failure prints and exits 1.
 */
export function runMain(name: string, main: () => Promise<void>): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`${name}: config error: ${err.message}\n`);
        process.exit(2);
      }
      process.stderr.write(
        `${name}: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
      );
      process.exit(1);
    });
}
