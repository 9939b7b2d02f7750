import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env } from '@strife/runtime';

/**
 * The CLI's state folder: `STRIFE_HOME` (resolved against `cwd`), default `~/.strife`. It holds
 * the session token, so it is created private (0700).
 */
export function stateHome(env: Env, cwd: string = process.cwd()): string {
  const dir = env.STRIFE_HOME ? resolve(cwd, env.STRIFE_HOME) : join(homedir(), '.strife');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
