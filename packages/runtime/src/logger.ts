import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './config/schema';

export type { Logger };

/** Fields that never reach a log line, at any depth up to three levels. */
const SECRET_FIELDS = ['password', 'token', 'authorization', 'privateKey', 'sessionToken'];
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

export interface LoggerOptions {
  /** The service name on every line, e.g. `bank-SBI`. */
  readonly name: string;
  /** Default `info`. */
  readonly level?: LogLevel;
  /** Pretty, coloured lines; default: whether stdout is a TTY. JSON otherwise. */
  readonly pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
}

/** A pino logger with Strife's redaction: passwords, tokens and keys are never written. */
export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.pretty ?? process.stdout.isTTY;
  const destination =
    options.destination ??
    (usePretty
      ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : pino.destination({ sync: false }));
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
