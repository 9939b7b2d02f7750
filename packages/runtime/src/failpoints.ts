import { ConfigError } from './config/configError';

/**
 * What a failpoint does when hit: `exit` kills the process on the spot (SIGKILL, so nothing is
 * flushed or cleaned up, as in a crash), `hang` never returns, `delay` waits `ms` first, `error`
 * fails the step (an injected I/O error, as from a full or failing disk).
 */
export type FailAction =
  | { readonly kind: 'exit' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'error' };

interface Armed {
  readonly action: FailAction;
  /** Fire only on hits `from`..`to` (1-based); every hit when undefined. */
  readonly hits: { readonly from: number; readonly to: number } | undefined;
  count: number;
}

/**
 * The error an `error` failpoint throws. It can carry the `code` (and `severity`) of the error
 * it stands for — `SQLITE_IOERR` for a SQLite store, SQLSTATE `53100` (disk full) for PostgreSQL
 * — so the store handles it exactly as the real failure.
 */
export class InjectedFault extends Error {
  readonly code: string | undefined;
  readonly severity: string | undefined;

  constructor(
    readonly failpoint: string,
    as?: { readonly code: string; readonly severity?: string },
  ) {
    super(`injected fault at ${failpoint}`);
    this.name = 'InjectedFault';
    this.code = as?.code;
    this.severity = as?.severity;
  }
}

export interface Failpoints {
  /** Runs the failpoint `name` if armed; resolves at once (synchronously a no-op) otherwise. */
  hit(name: string): Promise<void>;
  /**
   * For synchronous steps (a database commit), on a hit it fires on: throws `InjectedFault`
   * (carrying `as`) if `name` is armed with `error`, kills the process on the spot if with
   * `exit` (the step never happens); otherwise does nothing.
   */
  fail(name: string, as?: { readonly code: string; readonly severity?: string }): void;
}

const ENTRY = /^([a-z0-9.-]+):(exit|hang|error|delay=(\d+))(?:@(\d+)(?:-(\d+))?)?$/;

/**
 * Parses `STRIFE_FAILPOINTS`, a comma-separated list of `name:action[@n[-m]]`, e.g.
 * `bank.after-prepare-log:exit,bank.before-prepare:delay=200@3,bank.store-write:error@2-4`
 * (`@n` fires on the n-th hit only, `@n-m` on hits n to m). Off unless set; tests use it to crash,
 * stall or fail a process at a named step.
 * @throws ConfigError naming a malformed entry.
 */
export function parseFailpoints(spec: string | undefined): Failpoints {
  const armed = new Map<string, Armed>();
  for (const entry of (spec ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = ENTRY.exec(entry);
    if (!match?.[1] || !match[2]) {
      throw new ConfigError(
        `STRIFE_FAILPOINTS: "${entry.slice(0, 60)}" is not name:exit|hang|error|delay=MS[@N[-M]]`,
      );
    }
    const kind = match[2];
    const action: FailAction =
      kind === 'exit' || kind === 'hang' || kind === 'error'
        ? { kind }
        : { kind: 'delay', ms: Number(match[3]) };
    const from = match[4] === undefined ? undefined : Number(match[4]);
    armed.set(match[1], {
      action,
      hits: from === undefined ? undefined : { from, to: Number(match[5] ?? from) },
      count: 0,
    });
  }
  /** The action of `name` if it fires on this hit (counting the hit), else undefined. */
  const firing = (name: string): FailAction | undefined => {
    const point = armed.get(name);
    if (!point) return undefined;
    point.count++;
    const { hits } = point;
    if (hits !== undefined && (point.count < hits.from || point.count > hits.to)) return undefined;
    return point.action;
  };
  return {
    fail(name, as) {
      const kind = armed.get(name)?.action.kind;
      if (kind !== 'error' && kind !== 'exit') return;
      if (firing(name) === undefined) return;
      if (kind === 'exit') process.kill(process.pid, 'SIGKILL');
      throw new InjectedFault(name, as);
    },
    hit(name) {
      const action = firing(name);
      if (action === undefined) return Promise.resolve();
      switch (action.kind) {
        case 'exit':
          process.kill(process.pid, 'SIGKILL');
          return new Promise(() => undefined);
        case 'hang':
          return new Promise(() => undefined);
        case 'delay':
          return new Promise((resolve) => setTimeout(resolve, action.ms));
        case 'error':
          return Promise.reject(new InjectedFault(name));
      }
    },
  };
}
