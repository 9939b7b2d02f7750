import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { errorMessage } from '../errorMessage';
import { guardUntilExit } from './exitGuard';
import { forwardLines, spawnAs, type RunAs } from './runAs';

export interface PostmasterOptions {
  readonly postgres: string;
  readonly dataDir: string;
  readonly port: number;
  readonly runAs: RunAs;
  readonly removeDataDirOnExit: boolean;
  readonly startTimeoutMs: number;
  readonly onLog: (line: string) => void;
}

/** A running server process. */
export interface Postmaster {
  /** A superuser connection over the unix socket in the data directory. */
  readonly connect: () => Promise<Client>;
  /** Fast shutdown (clients disconnected, a checkpoint written); resolves once it exited. */
  readonly stop: () => Promise<void>;
}

/** Longest a fast shutdown may take before the server is told to stop at once. */
const STOP_ESCALATE_MS = 30_000;

/**
 * Settings given on the command line, so no postgresql.conf can weaken them: loopback TCP only,
 * the unix socket inside the data directory (reachable only by the server's user and root), and
 * every durability setting on.
 */
function serverArgs(dataDir: string, port: number): string[] {
  const settings = [
    'listen_addresses=127.0.0.1',
    `unix_socket_directories="${dataDir}"`,
    'unix_socket_permissions=0700',
    'fsync=on',
    'synchronous_commit=on',
    'full_page_writes=on',
    'logging_collector=off',
    'lc_messages=C',
  ];
  return ['-D', dataDir, '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
}

/**
 * Starts `postgres` on an initialized data directory and waits until it accepts connections on
 * its unix socket. Throws, with the server's last log lines, if it exits or is not ready within
 * `startTimeoutMs`.
 */
export async function startPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const { dataDir, port, runAs, onLog } = options;
  const tail: string[] = [];
  const child = spawnAs(options.postgres, serverArgs(dataDir, port), runAs, { deathSignal: true });
  forwardLines(child, (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    onLog(line);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => {
      resolve(`could not run ${options.postgres}: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      resolve(`postgres exited (${signal ?? `exit code ${code}`})`);
    });
  });
  // Every line printed is delivered by 'close'; a message quoting the log waits for it, briefly.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const lastLines = async (): Promise<string> => {
    await Promise.race([closed, sleep(200)]);
    return tail.join(' | ');
  };
  const state = { gone: false };
  void exited.then(() => (state.gone = true));
  // The server must not keep this process alive, nor outlive it.
  child.unref();
  (child.stdout as Socket | null)?.unref();
  (child.stderr as Socket | null)?.unref();
  const pid = child.pid;
  const unguard =
    pid === undefined
      ? () => undefined
      : guardUntilExit({ pid, dataDir, removeDataDir: options.removeDataDirOnExit });
  void exited.then(unguard);

  const connect = async (): Promise<Client> => {
    const client = new Client({ host: dataDir, port, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined); // reported by the next query instead
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= shutDown(child, exited, () => state.gone));

  const deadline = Date.now() + options.startTimeoutMs;
  for (;;) {
    if (state.gone) throw new Error(`${await exited}: ${await lastLines()}`);
    try {
      const client = await connect();
      await client.end();
      return { connect, stop };
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        const reason = errorMessage(error);
        throw new Error(
          `postgres did not accept connections within ${options.startTimeoutMs} ms (${reason}): ${await lastLines()}`,
          { cause: error },
        );
      }
    }
    await Promise.race([sleep(50), exited]);
  }
}

async function shutDown(
  child: ChildProcess,
  exited: Promise<string>,
  gone: () => boolean,
): Promise<void> {
  if (gone()) return;
  child.ref(); // keep this process alive until the server is gone
  child.kill('SIGINT');
  const escalate = setTimeout(() => child.kill('SIGQUIT'), STOP_ESCALATE_MS);
  await exited;
  clearTimeout(escalate);
}
