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

/** Longest error message or stack a log line carries: an error may quote attacker-sized input. */
const MAX_ERROR_TEXT = 2000;

/** pino's error serializer, with the message and the stack cut to `MAX_ERROR_TEXT`. */
function boundedError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const cut = (text: unknown): unknown =>
    typeof text === 'string' && text.length > MAX_ERROR_TEXT
      ? `${text.slice(0, MAX_ERROR_TEXT)}… (${text.length} characters)`
      : text;
  return { ...serialized, message: cut(serialized.message), stack: cut(serialized.stack) };
}

/** A pino logger with Strife's redaction: passwords, tokens and keys are never written. */
export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.pretty ?? process.stdout.isTTY;
  const destination =
    options.destination ??
    (usePretty
      ? pretty({
          colorize: !process.env.NO_COLOR,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
        })
      : pino.destination({ sync: false }));
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: boundedError },
    },
    destination,
  );
}
