import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator, type Decision } from '../src';
import { SqliteDecisionLog } from '../src/sqlite';
import { DurableParticipant, type DurableState } from './fixtures/durableParticipant';

const CHILD = join(__dirname, 'fixtures', 'crashChild.js');
const BANKS = ['SBI', 'ICICI'];
const transactions = [1, 2].map((txid) => ({
  txid: String(txid),
  legs: [
    { participant: 'SBI', kind: 'debit', account: '2001', amount: '150' },
    { participant: 'ICICI', kind: 'credit', account: '1001', amount: '150' },
  ],
}));

interface Scenario {
  name: string;
  crashAt: { type: string; txid: string; decision?: Decision; nth?: number };
  noVotes?: string[];
  /** The log state of txid 2 and its legs' states (SBI, ICICI) when the process died. */
  atCrash: [string, DurableState | undefined, DurableState | undefined];
  /** Before recover, each bank asks about its PREPARED legs and applies the answer. */
  resolveFirst?: Decision;
  /** The txids whose phase 1 the takeover runs again (undecided when the process died). */
  resumed: bigint[];
  final: Decision;
}

const scenarios: Scenario[] = [
  {
    name: 'after INITIATED',
    crashAt: { type: 'INITIATED', txid: '2' },
    atCrash: ['INITIATED', undefined, undefined],
    resumed: [2n],
    final: 'COMMIT',
  },
  {
    name: 'after both YES votes, before the decision',
    crashAt: { type: 'PREPARED_VOTE', txid: '2', nth: 2 },
    atCrash: ['INITIATED', 'PREPARED', 'PREPARED'],
    resumed: [2n],
    final: 'COMMIT',
  },
  {
    name: 'after both YES votes, before the decision; the banks ask first',
    crashAt: { type: 'PREPARED_VOTE', txid: '2', nth: 2 },
    atCrash: ['INITIATED', 'PREPARED', 'PREPARED'],
    resolveFirst: 'ABORT',
    resumed: [],
    final: 'ABORT',
  },
  {
    name: 'after DECIDED COMMIT',
    crashAt: { type: 'DECIDED', txid: '2', decision: 'COMMIT' },
    atCrash: ['COMMIT', 'PREPARED', 'PREPARED'],
    resumed: [],
    final: 'COMMIT',
  },
  {
    name: 'after DECIDED COMMIT; the banks ask first',
    crashAt: { type: 'DECIDED', txid: '2', decision: 'COMMIT' },
    atCrash: ['COMMIT', 'PREPARED', 'PREPARED'],
    resolveFirst: 'COMMIT',
    resumed: [],
    final: 'COMMIT',
  },
  {
    name: 'after DECIDED ABORT',
    crashAt: { type: 'DECIDED', txid: '2', decision: 'ABORT' },
    noVotes: ['2-credit'],
    atCrash: ['ABORT', 'PREPARED', 'ABORTED'],
    resumed: [],
    final: 'ABORT',
  },
  {
    name: 'mid phase 2, after the first ACKED',
    crashAt: { type: 'ACKED', txid: '2' },
    atCrash: ['COMMIT', 'COMMITTED', 'PREPARED'],
    resumed: [],
    final: 'COMMIT',
  },
];

describe('a coordinator process killed at each 2PC step', () => {
  beforeAll(() => {
    if (!existsSync(join(__dirname, '..', 'dist', 'index.js'))) {
      throw new Error('build first: npx tsc -p tsconfig.build.json');
    }
  });

  it.each(scenarios)('$name: recovery brings every leg to the logged outcome', async (s) => {
    const dir = mkdtempSync(join(tmpdir(), 'strife-crash-'));
    try {
      const child = spawnSync(
        process.execPath,
        [
          CHILD,
          JSON.stringify({
            crashAt: s.crashAt,
            noVotes: s.noVotes ?? [],
            dir,
            participants: BANKS,
            transactions,
          }),
        ],
        { encoding: 'utf8', timeout: 20_000 },
      );
      expect({ signal: child.signal, stderr: child.stderr }).toEqual({
        signal: 'SIGKILL',
        stderr: '',
      });

      const log = SqliteDecisionLog.open(join(dir, 'decisions.db'));
      const banks = new Map(
        BANKS.map((n) => [n, DurableParticipant.open(join(dir, `${n}.db`), n)]),
      );
      const sbi = banks.get('SBI')!;
      const icici = banks.get('ICICI')!;
      expect([
        (await log.get(2n))?.state,
        sbi.state(2n, 'debit'),
        icici.state(2n, 'credit'),
      ]).toEqual(s.atCrash);

      const coordinator = new Coordinator({
        log,
        participants: (name) => banks.get(name),
        timeouts: { prepareMs: 1000, retryInitialMs: 1, retryMaxMs: 5 },
      });
      if (s.resolveFirst !== undefined) {
        for (const bank of banks.values()) {
          for (const { txid, leg, state } of bank.entries()) {
            if (state !== 'PREPARED') continue;
            const answer = await coordinator.resolve(txid);
            expect(answer).toBe(s.resolveFirst);
            await (answer === 'COMMIT' ? bank.commit(txid, leg) : bank.abort(txid, leg));
          }
        }
      }
      expect((await coordinator.recover()).resumed).toEqual(s.resumed);
      await coordinator.idle();

      expect(await log.get(1n)).toMatchObject({ state: 'DONE', decision: 'COMMIT' });
      expect(await log.get(2n)).toMatchObject({ state: 'DONE', decision: s.final });
      const want = s.final === 'COMMIT' ? 'COMMITTED' : 'ABORTED';
      expect([sbi.state(2n, 'debit'), icici.state(2n, 'credit')]).toEqual([want, want]);
      for (const bank of banks.values()) {
        for (const { txid, state } of bank.entries()) {
          const decision = (await log.get(txid))?.decision;
          expect(state).toBe(decision === 'COMMIT' ? 'COMMITTED' : 'ABORTED');
        }
        expect(bank.violations()).toEqual([]);
        bank.close();
      }
      await coordinator.close();
      await log.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
