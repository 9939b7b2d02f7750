import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@strife/runtime';
import { freePort, type TestCluster } from '@strife/testkit';

/** A console started as `node apps/console/dist/main.js` for a test cluster. */
export interface ConsoleProcess {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The cluster file it was started with (the test cluster's, plus `console.address`). */
  readonly configFile: string;
  /** Its exit code once it has exited. */
  readonly exited: Promise<number | null>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Writes the cluster's file with `console.address` (a free loopback port unless `address` is
 * given) beside it, starts the console on it, and waits until `GET /api/status` answers over
 * plain HTTP (unless `wait` is false).
 */
export async function startConsole(
  cluster: TestCluster,
  options: { address?: string; wait?: boolean } = {},
): Promise<ConsoleProcess> {
  const address = options.address ?? `127.0.0.1:${await freePort()}`;
  const file = JSON.parse(readFileSync(cluster.configFile, 'utf8')) as Record<string, unknown>;
  const configFile = join(cluster.dir, `console-${address.replace(/[^0-9]/g, '')}.json`);
  writeFileSync(configFile, JSON.stringify({ ...file, console: { address } }, null, 2));
  const child = spawn(process.execPath, [join(repoRoot(), 'apps', 'console', 'dist', 'main.js')], {
    env: { ...process.env, ...cluster.env({ STRIFE_CONFIG: configFile, LOG_LEVEL: 'info' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = `http://${address}/`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  if (options.wait !== false) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await fetch(`${url}api/status`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`the console did not come up:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url, configFile, exited, output: () => output, stop };
}

/** GETs `url` and parses the JSON body, with the status. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}
