import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { errorMessage } from '../errorMessage';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The operating-system user a private server runs as, when that is not this process's. */
export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

const NAME = 'postgres';

/**
 * PostgreSQL refuses to run as root. As root, the server runs as the user `postgres`, which
 * Debian's and most distributions' packages create; when there is none (a machine with only Node
 * and npm), it is created as a system user without a home or login shell, as those packages
 * would. Undefined when this process is not root: the server then runs as this process's user.
 */
export async function serverUser(onLog: (line: string) => void): Promise<ServerUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookUp(NAME);
  if (existing !== undefined) return existing;
  try {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      '--comment',
      'PostgreSQL server',
      NAME,
    ]);
    onLog(`created system user ${NAME} to run PostgreSQL as (it refuses to run as root)`);
  } catch (error) {
    // Another process may have created it meanwhile.
    const raced = await lookUp(NAME);
    if (raced !== undefined) return raced;
    const reason = errorMessage(error).split('\n')[0] ?? '';
    throw new Error(
      `running as root, and there is no user ${NAME} to run PostgreSQL as (it refuses root); useradd failed: ${reason}`,
      { cause: error },
    );
  }
  const created = await lookUp(NAME);
  if (created === undefined)
    throw new Error(`useradd ${NAME} succeeded but id ${NAME} finds no user`);
  return created;
}

async function lookUp(name: string): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * Throws unless `user` can reach `dir`: every folder above it must be searchable by the user (by
 * its owner, primary group or others; the server runs without supplementary groups). E.g. a
 * folder from `mkdtemp` is mode 0700, so a data directory inside it cannot be reached.
 */
export async function assertReachable(dir: string, user: ServerUser): Promise<void> {
  for (let folder = dirname(dir); ; folder = dirname(folder)) {
    const { mode, uid, gid } = await stat(folder);
    const searchable =
      (mode & 0o001) !== 0 ||
      (uid === user.uid && (mode & 0o100) !== 0) ||
      (gid === user.gid && (mode & 0o010) !== 0);
    if (!searchable) {
      throw new Error(
        `the server's user ${user.name} cannot reach ${dir}: ${folder} is mode ${(mode & 0o777).toString(8)}, owned by uid ${uid}; choose a data directory it can reach (e.g. under ${tmpdir()})`,
      );
    }
    if (folder === dirname(folder)) return;
  }
}
