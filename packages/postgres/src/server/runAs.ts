import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ServerUser } from './serverUser';

/** How the server's programs run: as whom, and where. */
export interface RunAs {
  readonly user: ServerUser | undefined;
  readonly cwd: string;
}

/**
 * The environment for the server's programs: ours without the PG* variables (which would
 * change what initdb and postgres do), with messages in English, as the errors quote them.
 */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PG')) env[key] = value;
  }
  env.LC_ALL = 'C';
  return env;
}

let setprivPath: string | null | undefined;

/**
 * util-linux's `setpriv`, if it can set a parent-death signal: the kernel then signals the server
 * when this process dies, even by SIGKILL, when no exit handler runs. Linux only.
 */
function deathSignalWrapper(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== 'linux') return setprivPath;
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin']) {
    const candidate = join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const probe = spawnSync(candidate, ['--pdeathsig', 'QUIT', '--', process.execPath, '-e', '']);
    if (probe.status === 0) setprivPath = candidate;
    break;
  }
  return setprivPath;
}

/**
 * Spawns `file` as the server user. With `deathSignal`, the program gets SIGQUIT (PostgreSQL's
 * immediate shutdown) when this process dies, where the platform allows it.
 */
export function spawnAs(
  file: string,
  args: readonly string[],
  runAs: RunAs,
  options: { readonly deathSignal?: boolean } = {},
): ChildProcess {
  const wrapper = options.deathSignal === true ? deathSignalWrapper() : null;
  const [command, argv] =
    wrapper === null ? [file, args] : [wrapper, ['--pdeathsig', 'QUIT', '--', file, ...args]];
  return spawn(command, argv, {
    cwd: runAs.cwd,
    env: serverEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(runAs.user === undefined ? {} : { uid: runAs.user.uid, gid: runAs.user.gid }),
  });
}

/** Calls `onLine` with each line `child` prints on stdout or stderr. */
export function forwardLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream !== null) createInterface({ input: stream }).on('line', onLine);
  }
}

/** Runs `file` to its end as the server user; throws with its last lines if it fails. */
export async function runToEnd(
  file: string,
  args: readonly string[],
  runAs: RunAs,
  onLine: (line: string) => void,
): Promise<void> {
  const tail: string[] = [];
  const child = spawnAs(file, args, runAs);
  forwardLines(child, (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    onLine(line);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode: number | null, exitSignal: NodeJS.Signals | null) => {
        resolve([exitCode, exitSignal]);
      });
    },
  );
  if (code !== 0) {
    const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
    throw new Error(`${basename(file)} failed (${how}): ${tail.join(' | ')}`);
  }
}
