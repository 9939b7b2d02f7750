import { ConfigError } from '@strife/runtime';
import { InvalidArgument } from '@strife/domain';
import { CliError, EXIT, type ExitCode } from './exitCodes';

export type Json = string | number | boolean | null | readonly Json[] | JsonObject;

/** A JSON object; `undefined` members are left out when printed. */
export interface JsonObject {
  readonly [key: string]: Json | undefined;
}

/** What one command produced, printed by `render`. */
export interface Result {
  readonly exitCode: ExitCode;
  /** The one object printed on stdout with `--json`; none for daemon and shell. */
  readonly json?: JsonObject;
  /** Lines printed on stdout without `--json`. */
  readonly text?: readonly string[];
  /** One line for stderr, printed in both modes. */
  readonly error?: string;
}

/** Where output goes: stdout and stderr, or a test's buffers. */
export interface Sink {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: Sink = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Prints a result. With `json`, stdout gets exactly one line holding one JSON object (or nothing
 * when the result has none); otherwise the human lines. An error line always goes to stderr.
 */
export function render(result: Result, json: boolean, sink: Sink = stdio): void {
  if (json) {
    if (result.json) sink.out(`${JSON.stringify(result.json)}\n`);
  } else {
    for (const line of result.text ?? []) sink.out(`${line}\n`);
  }
  if (result.error !== undefined) sink.err(`strife: ${result.error}\n`);
}

/** Prints one line as it happens (daemon and shell): a JSON object per line with `json`. */
export function notify(json: boolean, object: JsonObject, text: string, sink: Sink = stdio): void {
  sink.out(json ? `${JSON.stringify(object)}\n` : `${text}\n`);
}

/** A successful result. */
export function ok(
  json: JsonObject,
  text: readonly string[],
  exitCode: ExitCode = EXIT.OK,
): Result {
  return { exitCode, json, text };
}

/**
 * The result of a failure: `{"error":{"code","message"}}` with `--json` — plus, when the gateway
 * gave them, `reason` (its domain code), `fields` (`[{field, description}]`) and `retryAfterMs` —
 * and the message as one line on stderr in both modes. Unexpected errors exit 5 with their
 * message.
 */
export function failure(err: unknown): Result {
  const { exitCode, code, message } = describe(err);
  const facts = err instanceof CliError ? err.facts : { fields: [] };
  const error = {
    code,
    message,
    ...(facts.reason === undefined ? {} : { reason: facts.reason }),
    ...(facts.fields.length === 0 ? {} : { fields: facts.fields }),
    ...(facts.retryAfterMs === undefined ? {} : { retryAfterMs: facts.retryAfterMs }),
  };
  return { exitCode, json: { error }, error: message };
}

function describe(err: unknown): { exitCode: ExitCode; code: string; message: string } {
  if (err instanceof CliError) return err;
  if (err instanceof InvalidArgument) {
    return { exitCode: EXIT.USAGE, code: 'INVALID_ARGUMENT', message: err.message };
  }
  if (err instanceof ConfigError) {
    return { exitCode: EXIT.USAGE, code: 'CONFIG', message: `config error: ${err.message}` };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: EXIT.OTHER, code: 'INTERNAL', message: message.split('\n')[0] ?? message };
}
