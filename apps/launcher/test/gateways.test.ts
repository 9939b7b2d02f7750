import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig, repoRoot, waitForServing } from '@strife/runtime';
import { createTestCluster, SEED, type TestCluster } from '@strife/testkit';
import { strife } from '../src/strifeCli';

const START = join(repoRoot(), 'apps', 'launcher', 'dist', 'start.js');

/** `node apps/launcher/dist/start.js args…` with its stdout kept as lines. */
class Launcher {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly waiters: (() => void)[] = [];

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [START, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (this.child.stdout) {
      createInterface({ input: this.child.stdout }).on('line', (line) => {
        this.lines.push(line);
        for (const wake of this.waiters.splice(0)) wake();
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The first line matching `pattern` (waiting for it), or a failure if the launcher exits first. */
  async line(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.lines) {
        const match = pattern.exec(line);
        if (match) return match;
      }
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no line matching ${pattern} in:\n${this.lines.join('\n')}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 500);
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('pnpm start --gateways 3 on a private PostgreSQL', () => {
  let cluster: TestCluster;
  let home: string;
  let launcher: Launcher | undefined;

  beforeAll(async () => {
    cluster = await createTestCluster({ ...SEED });
    home = mkdtempSync(join(tmpdir(), 'launcher-home-'));
  });

  afterAll(async () => {
    launcher?.kill('SIGKILL');
    await launcher?.exited;
    cluster.remove();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs three instances that survive a kill -9, and leaves no database behind', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...cluster.env({ LOG_LEVEL: 'warn' }) };
    delete env.STRIFE_DATABASE_URL;
    env.NO_COLOR = '1';
    launcher = new Launcher(['--gateways', '3'], env);

    const up = await launcher.line(/^Strife is up: (.*)\.$/, 150_000);
    const [, file] = await launcher.line(/^ {2}export STRIFE_CONFIG=(.+)$/, 1000);
    const [, port, pgData] = await launcher.line(
      /^gateway state: private PostgreSQL .* at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:(\d+)\/\S+, data directory (\S+)$/,
      1000,
    );
    const [, books] = await launcher.line(/^this run's books \(txid, banks\): (\S+)$/, 1000);
    expect(file).toBe(join(cluster.dataDir, 'cluster-3.json'));

    const config = loadConfig({ STRIFE_CONFIG: file, STRIFE_CERTS_DIR: cluster.certsDir });
    expect(config.gateway.instances.map((i) => i.name)).toEqual(['gw1', 'gw2', 'gw3']);
    await Promise.all(
      config.gateway.instances.map((i) =>
        waitForServing(i.address, cluster.tls('monitor'), { timeoutMs: 10_000 }),
      ),
    );

    const cliEnv = { STRIFE_CONFIG: file ?? '', STRIFE_CERTS_DIR: cluster.certsDir };
    const cli = (args: string[]) => strife(args, cliEnv, home);
    await expect(
      cli(['login', '--username', 'alice', '--password', 'alice-pass-1']),
    ).resolves.toMatchObject({ code: 0, json: { account: 'ICICI:1001' } });
    const pay = ['pay', '--to', 'SBI:2001', '--amount', '10.00'];
    await expect(cli(pay)).resolves.toMatchObject({ code: 0, json: { status: 'COMMITTED' } });

    const gw2 = /gateway-gw2 \S+ \(pid (\d+)\)/.exec(up[1] ?? '')?.[1];
    expect(gw2).toBeDefined();
    process.kill(Number(gw2), 'SIGKILL');
    // The CLI spreads its calls over the instances and fails over from the dead one.
    await expect(cli(pay)).resolves.toMatchObject({ code: 0, json: { status: 'COMMITTED' } });
    await expect(cli(['balance'])).resolves.toMatchObject({
      code: 0,
      json: { balance: '980.00', available: '980.00' },
    });

    launcher.kill('SIGTERM');
    await expect(launcher.exited).resolves.toBe(0);
    expect(existsSync(pgData ?? '')).toBe(false);
    expect(existsSync(books ?? '')).toBe(false);
    await expect(listening(Number(port))).resolves.toBe(false);
  }, 240_000);
});
