import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test ports come from below Linux's ephemeral range (32768–60999), so no outgoing connection
 * takes one, and each is reserved for this process by a file naming its pid: test files run in
 * parallel processes, and a port one of them frees while it restarts a service must not be
 * handed to another (whose server a client would then reach). A reservation whose process is
 * gone is taken over.
 */
const FIRST = 20_000;
const COUNT = 12_000;
const RESERVATIONS = join(tmpdir(), 'strife-test-ports');
const held = new Set<number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function reserve(port: number): boolean {
  const file = join(RESERVATIONS, String(port));
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    let owner: number;
    try {
      owner = Number(readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
    if (owner === process.pid || (Number.isInteger(owner) && owner > 0 && alive(owner)))
      return false;
    // The owner is gone: take the port over (a race with another taker is settled by `wx`).
    rmSync(file, { force: true });
    return reserve(port);
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

function release(): void {
  for (const port of held) rmSync(join(RESERVATIONS, String(port)), { force: true });
}

/** A TCP port on 127.0.0.1, free and reserved for this process until it exits. */
export async function freePort(): Promise<number> {
  mkdirSync(RESERVATIONS, { recursive: true });
  if (held.size === 0) process.once('exit', release);
  const start = Math.floor(Math.random() * COUNT);
  for (let i = 0; i < COUNT; i++) {
    const port = FIRST + ((start + i) % COUNT);
    if (held.has(port) || !reserve(port)) continue;
    if (await bindable(port)) {
      held.add(port);
      return port;
    }
    rmSync(join(RESERVATIONS, String(port)), { force: true });
  }
  throw new Error(`no free port in ${FIRST}–${FIRST + COUNT - 1}`);
}
