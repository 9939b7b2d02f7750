import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger, type LegRecord } from '../src';
import { allLegs, tempDir } from './helpers';
import { checkBooks } from './invariants';

const WORKER = join(__dirname, 'fixtures', 'crashWorker.js');
const BUILT = join(__dirname, '..', 'dist', 'index.js');
const ACCOUNTS = ['1001', '1002', '1003', '1004'];
/** The worker's seed: 50000 + 20000 + 5000 + 0. */
const INITIAL_TOTAL = 75_000n;
const ROUNDS = 6;

interface WorkerRun {
  /** Complete lines the worker printed, each after the call it reports had returned. */
  readonly acknowledged: string[];
  readonly killed: boolean;
}

/**
 * Runs the worker on `path`. With `killAfterMs`, sends SIGKILL that long after it is ready;
 * otherwise waits for it to exit on its own.
 */
function runWorker(
  path: string,
  mode: 'run' | 'recover',
  round: number,
  killAfterMs?: number,
): Promise<WorkerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [WORKER, path, mode, String(round), String(round * 7919)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (killAfterMs !== undefined && timer === undefined && out.includes('ready\n')) {
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) {
        reject(new Error(`worker exited with ${code ?? signal}: ${err}`));
        return;
      }
      const lines = out.split('\n');
      resolve({ acknowledged: lines.slice(0, -1), killed: signal === 'SIGKILL' });
    });
  });
}

/**
 * Every acknowledged vote, commit and abort is still in the books, as it was acknowledged.
 * `voted` collects the keys voted on in every round so far.
 */
function expectAcknowledgementsKept(
  voted: Set<string>,
  acknowledged: readonly string[],
  legs: readonly LegRecord[],
): number {
  const byKey = new Map(legs.map((l) => [l.key, l]));
  let checked = 0;
  for (const line of acknowledged) {
    const [what, key, vote] = line.split(' ');
    if (what === 'ready' || key === undefined) continue;
    const record = byKey.get(key);
    if (what === 'vote') voted.add(key);
    if (what === 'vote' && vote === 'YES') {
      // Still YES: recorded without a NO reason (it may have been committed or aborted since).
      expect({ key, recorded: record !== undefined, reason: record?.reason }).toEqual({
        key,
        recorded: true,
        reason: undefined,
      });
    } else if (what === 'vote') {
      expect({ key, state: record?.state, hasReason: record?.reason !== undefined }).toEqual({
        key,
        state: 'ABORTED',
        hasReason: true,
      });
    } else if (what === 'commit') {
      expect({ key, state: record?.state }).toEqual({ key, state: 'COMMITTED' });
    } else if (what === 'abort') {
      // A leg aborted without an acknowledged vote may be a tombstone, which is not listed (or
      // its vote was durable but the worker died before reporting it).
      const state = voted.has(key) || record !== undefined ? 'ABORTED' : undefined;
      expect({ key, state: record?.state }).toEqual({ key, state });
    }
    checked++;
  }
  return checked;
}

describe('a ledger killed with SIGKILL mid-stream', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    if (!existsSync(BUILT)) {
      throw new Error(
        'build the package first (npx tsc -p tsconfig.build.json); the worker runs dist/',
      );
    }
    dir = tempDir('crash');
  });
  afterAll(() => {
    dir.remove();
  });

  it('keeps every acknowledged step and its invariants, and recovery settles every payment', async () => {
    const path = join(dir.path, 'bank.db');
    let acknowledgedSteps = 0;
    const voted = new Set<string>();
    for (let round = 1; round <= ROUNDS; round++) {
      const run = await runWorker(path, 'run', round, 50 + Math.floor(Math.random() * 250));
      expect(run.killed).toBe(true);
      const ledger = Ledger.open(path);
      try {
        const report = checkBooks(ledger, ACCOUNTS, INITIAL_TOTAL, { atomic: true });
        acknowledgedSteps += expectAcknowledgementsKept(voted, run.acknowledged, report.legs);
      } finally {
        ledger.close();
      }
    }
    expect(acknowledgedSteps).toBeGreaterThan(ROUNDS * 10);

    await runWorker(path, 'recover', 0);
    const ledger = Ledger.open(path);
    try {
      const report = checkBooks(ledger, ACCOUNTS, INITIAL_TOTAL, { atomic: true });
      expect(report.settled).toBe(true);
      expect(ledger.inDoubt(0)).toEqual([]);
      expect(ledger.totals()).toEqual({
        balance: INITIAL_TOTAL,
        held: 0n,
        incoming: 0n,
        accounts: 4,
      });
      expect(allLegs(ledger).filter((l) => l.state === 'COMMITTED').length).toBeGreaterThan(0);
    } finally {
      ledger.close();
    }
  });
});
