import { ConfigError } from './config/configError';

/**
 * What a failpoint does when hit: `exit` kills the process on the spot (SIGKILL, so nothing is
 * flushed or cleaned up, as in a crash), `hang` never returns, `delay` waits `ms` first.
 */
export type FailAction =
  | { readonly kind: 'exit' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'delay'; readonly ms: number };

interface Armed {
  readonly action: FailAction;
  /** Fire only on this hit (1-based); every hit when undefined. */
  readonly onHit: number | undefined;
  hits: number;
}

export interface Failpoints {
  /** Runs the failpoint `name` if armed; resolves at once (synchronously a no-op) otherwise. */
  hit(name: string): Promise<void>;
}

const ENTRY = /^([a-z0-9.-]+):(exit|hang|delay=(\d+))(?:@(\d+))?$/;

/**
 * Parses `STRIFE_FAILPOINTS`, a comma-separated list of `name:action[@n]`, e.g.
 * `bank.after-prepare-log:exit,bank.before-prepare:delay=200@3`. Off unless set; tests use it to
 * crash or stall a process at a named 2PC step.
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
      throw new ConfigError(`STRIFE_FAILPOINTS: "${entry}" is not name:exit|hang|delay=MS[@N]`);
    }
    const action: FailAction =
      match[2] === 'exit'
        ? { kind: 'exit' }
        : match[2] === 'hang'
          ? { kind: 'hang' }
          : { kind: 'delay', ms: Number(match[3]) };
    armed.set(match[1], {
      action,
      onHit: match[4] === undefined ? undefined : Number(match[4]),
      hits: 0,
    });
  }
  return {
    hit(name) {
      const point = armed.get(name);
      if (!point) return Promise.resolve();
      point.hits++;
      if (point.onHit !== undefined && point.hits !== point.onHit) return Promise.resolve();
      const action = point.action;
      switch (action.kind) {
        case 'exit':
          process.kill(process.pid, 'SIGKILL');
          return new Promise(() => undefined);
        case 'hang':
          return new Promise(() => undefined);
        case 'delay':
          return new Promise((resolve) => setTimeout(resolve, action.ms));
      }
    },
  };
}
