import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestSystem } from '@strife/testkit';

/** The built CLI; run `npx tsc -p tsconfig.build.json` (turbo does) before the tests. */
export const MAIN = join(__dirname, '..', 'dist', 'main.js');

export type JsonObject = Record<string, unknown>;

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One STRIFE_HOME and the cluster's environment: a user's machine running the CLI. */
export class Cli {
  readonly home = mkdtempSync(join(tmpdir(), 'strife-home-'));
  private readonly env: Record<string, string>;

  constructor(system: TestSystem) {
    this.env = {
      PATH: process.env.PATH ?? '',
      ...system.cluster.env(),
      STRIFE_HOME: this.home,
    };
  }

  /** Runs `strife args…` to completion, with `extra` environment (e.g. STRIFE_FAILPOINTS). */
  run(
    args: readonly string[],
    input?: string,
    extra: Readonly<Record<string, string>> = {},
  ): Promise<Run & { signal: NodeJS.Signals | null }> {
    return this.start(args, input, extra).done;
  }

  /** Starts `strife args…`; `done` settles when it exits, `kill` ends it first (SIGKILL). */
  start(
    args: readonly string[],
    input?: string,
    extra: Readonly<Record<string, string>> = {},
  ): { done: Promise<Run & { signal: NodeJS.Signals | null }>; kill: () => void } {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...this.env, ...extra },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(input ?? '');
    const done = new Promise<Run & { signal: NodeJS.Signals | null }>((resolve) => {
      child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    return { done, kill: () => child.kill('SIGKILL') };
  }

  /**
   * Runs `strife args…` (which must include `--json`) and parses stdout, which must hold exactly
   * one line with one JSON object.
   */
  async json(
    args: readonly string[],
    input?: string,
    extra: Readonly<Record<string, string>> = {},
  ): Promise<{ code: number | null; out: JsonObject; run: Run }> {
    const run = await this.run(args, input, extra);
    const lines = run.stdout.split('\n');
    if (lines.length !== 2 || lines[1] !== '') {
      throw new Error(`expected one line of JSON from ${args.join(' ')}, got:\n${run.stdout}`);
    }
    return { code: run.code, out: JSON.parse(lines[0]!) as JsonObject, run };
  }

  /** Starts `strife daemon args…` in the background. */
  daemon(args: readonly string[]): Daemon {
    return new Daemon(this.env, args);
  }

  remove(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** A running `strife daemon`, its stdout split into lines as they come. */
export class Daemon {
  readonly lines: string[] = [];
  private stderrText = '';
  private readonly exited: Promise<number | null>;
  private readonly child;

  constructor(env: Record<string, string>, args: readonly string[]) {
    this.child = spawn(process.execPath, [MAIN, 'daemon', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderrText += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** The stdout lines parsed as JSON (for `--json`: JSON Lines). */
  events(): JsonObject[] {
    return this.lines.map((line) => JSON.parse(line) as JsonObject);
  }

  /** Polls until `check` holds, failing after `timeoutMs` with what the daemon printed. */
  async until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}; stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends `signal` (default SIGTERM) and resolves to the exit code. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** The payment events a `--json` daemon printed. */
export function paymentEvents(daemon: Daemon): JsonObject[] {
  return daemon.events().filter((e) => e.event === 'payment');
}
