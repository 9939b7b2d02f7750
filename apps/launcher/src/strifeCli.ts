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
