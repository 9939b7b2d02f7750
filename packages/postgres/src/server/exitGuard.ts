import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

interface Guarded {
  readonly pid: number;
  readonly dataDir: string;
  readonly removeDataDir: boolean;
}

const guarded = new Set<Guarded>();
let installed = false;

/** Longest the exit handler waits for a server to go before deleting its data directory. */
const EXIT_WAIT_MS = 5000;

/**
 * Makes sure the server `pid` does not outlive this process when it exits normally (including
 * `process.exit` and an uncaught exception): the exit handler sends it SIGQUIT, PostgreSQL's
 * immediate shutdown (what `pg_ctl stop -m immediate` sends), and deletes a temporary data
 * directory once the server is gone. Returns the function that lifts the guard.
 */
export function guardUntilExit(entry: Guarded): () => void {
  if (!installed) {
    process.on('exit', stopAll);
    installed = true;
  }
  guarded.add(entry);
  return () => {
    guarded.delete(entry);
  };
}

function stopAll(): void {
  for (const { pid } of guarded) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // Already gone.
    }
  }
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (const { dataDir, removeDataDir } of guarded) {
    if (!removeDataDir) continue;
    // The postmaster deletes postmaster.pid as it exits (we cannot reap it from here).
    const deadline = Date.now() + EXIT_WAIT_MS;
    while (existsSync(join(dataDir, 'postmaster.pid')) && Date.now() < deadline) {
      Atomics.wait(sleeper, 0, 0, 10);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  guarded.clear();
}
