import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@strife/runtime';

export interface CliResult {
  readonly code: number;
  readonly json: Record<string, unknown>;
}

/** Runs the real `strife` CLI with `--json` as a user whose state lives in `home`. */
export function strife(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  home: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot(), 'apps/client/dist/main.js'), ...args, '--json'],
      {
        env: { ...process.env, ...env, STRIFE_HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve({ code: code ?? -1, json: JSON.parse(out) as Record<string, unknown> });
      } catch {
        reject(new Error(`strife ${args.join(' ')} printed no JSON (exit ${code ?? '?'}): ${out}`));
      }
    });
  });
}

/** Runs the CLI as `user`, printing the command line (passwords hidden) and its JSON answer. */
export type NarratedCli = (user: string, args: readonly string[]) => Promise<CliResult>;

/**
 * A `NarratedCli` for a cluster's environment, each user with the home `homeOf` gives. The
 * command line is said at once and the answer when it comes, so a call left running in the
 * background shows up in the order things happen.
 */
export function narratedCli(
  env: Readonly<Record<string, string>>,
  homeOf: (user: string) => string,
  say: (line: string) => void,
): NarratedCli {
  return async (user, args) => {
    const shown = args.map((a, i) => (args[i - 1] === '--password' ? '••••' : a));
    say(`   $ strife ${shown.join(' ')}`);
    const result = await strife(args, env, homeOf(user));
    say(`     → exit ${result.code} ${JSON.stringify(result.json)}`);
    return result;
  };
}
