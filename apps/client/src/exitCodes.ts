import type { ErrorFacts } from '@strife/runtime';
/**
 * The CLI's exit codes (DESIGN.md, "Contracts"): 0 done (COMMITTED for payments), 1 declined or
 * ABORTED, 2 bad usage or input, 3 QUEUED offline, 4 not logged in or credentials refused,
 * 5 any other failure.
 */
export const EXIT = {
  OK: 0,
  DECLINED: 1,
  USAGE: 2,
  QUEUED: 3,
  AUTH: 4,
  OTHER: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A failure the CLI reports as one line (stderr) and, with `--json`, as
 * `{"error":{"code","message"}}` on stdout. `code` is stable: a gRPC status name
 * (`INVALID_ARGUMENT`, `UNAVAILABLE`, …) or one of the CLI's own (`USAGE`, `NOT_LOGGED_IN`,
 * `CONFIG`, `INTERNAL`).
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
    /** What the server's error details said: its reason, the fields at fault, the wait. */
    readonly facts: ErrorFacts = { fields: [] },
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad input on the command line: exit 2, nothing sent. */
export function usageError(message: string): CliError {
  return new CliError(EXIT.USAGE, 'USAGE', message);
}
