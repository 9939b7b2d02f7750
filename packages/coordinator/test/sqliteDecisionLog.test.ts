import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TransactionMismatch, type Transaction } from '../src';
import { DECISION_LOG_MIGRATIONS, SqliteDecisionLog } from '../src/sqlite';
import { debit, payment, reincarnate } from './harness';

describe('SqliteDecisionLog', () => {
  let time = 1000;
  let log: SqliteDecisionLog;
  beforeEach(() => {
    log = SqliteDecisionLog.open(':memory:', { now: () => (time += 1) });
  });
  afterEach(() => log.close());

  it('records INITIATED with its legs and no decision', async () => {
    const tx = payment(7n, 250n);
    await log.initiate(tx);
    const record = await log.get(7n);
    expect(record).toEqual({ txid: 7n, legs: tx.legs, state: 'INITIATED', createdAt: time });
    expect(await log.get(8n)).toBeUndefined();
  });

  it('keeps a decision once written: a second decide returns it and changes nothing', async () => {
    await log.initiate(payment(1n));
    expect(await log.decide(1n, 'COMMIT')).toBe('COMMIT');
    const before = await log.get(1n);
    expect(await log.decide(1n, 'ABORT', { kind: 'TIMEOUT', participant: 'SBI' })).toBe('COMMIT');
    expect(await log.get(1n)).toEqual(before);
    expect(before).toMatchObject({ state: 'COMMIT', decision: 'COMMIT' });
    expect(before?.cause).toBeUndefined();
  });

  it('stores each kind of abort cause and reads it back', async () => {
    const causes = [
      { kind: 'VOTED_NO', participant: 'SBI', reason: 'INSUFFICIENT_FUNDS', detail: 'x' },
      { kind: 'VOTED_NO', participant: 'SBI', reason: 'UNKNOWN_ACCOUNT' },
      { kind: 'TIMEOUT', participant: 'ICICI' },
      { kind: 'UNAVAILABLE', participant: 'HDFC', detail: 'connection refused' },
      { kind: 'PRESUMED' },
    ] as const;
    for (const [i, cause] of causes.entries()) {
      const txid = BigInt(i + 1);
      await log.initiate(payment(txid));
      expect(await log.decide(txid, 'ABORT', cause)).toBe('ABORT');
      expect((await log.get(txid))?.cause).toEqual(cause);
    }
  });

  it('records a presumed abort for an unknown txid, with no legs', async () => {
    expect(await log.decide(99n, 'ABORT')).toBe('ABORT');
    expect(await log.get(99n)).toMatchObject({
      txid: 99n,
      legs: [],
      state: 'ABORT',
      cause: { kind: 'PRESUMED' },
    });
    expect(await log.decide(99n, 'COMMIT')).toBe('ABORT');
  });

  describe('initiate on a txid that is already logged', () => {
    it('changes nothing when the legs are the same, whatever the state', async () => {
      await log.initiate(payment(3n));
      await log.decide(3n, 'COMMIT');
      await log.markDone(3n);
      const done = await log.get(3n);
      await log.initiate(payment(3n));
      expect(await log.get(3n)).toEqual(done);
      expect(done?.state).toBe('DONE');
    });

    it('throws TransactionMismatch naming the field when the legs differ', async () => {
      await log.initiate(payment(4n, 100n));
      const error = await log.initiate(payment(4n, 101n)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionMismatch);
      expect(error).toMatchObject({ txid: 4n, field: 'legs[0].amount', code: 'INTERNAL' });
      await expect(log.initiate({ txid: 4n, legs: payment(4n).legs.slice(1) })).rejects.toThrow(
        'legs.length',
      );
      expect((await log.get(4n))?.legs).toEqual(payment(4n, 100n).legs);
    });

    it('only fills in the legs of an earlier presumed abort, keeping the decision', async () => {
      await log.decide(5n, 'ABORT');
      await log.initiate(payment(5n));
      expect(await log.get(5n)).toMatchObject({
        legs: payment(5n).legs,
        state: 'ABORT',
        cause: { kind: 'PRESUMED' },
      });
    });
  });

  it('marks DONE only after a decision, and repeats are no-ops', async () => {
    await expect(log.markDone(6n)).rejects.toThrow('no decision');
    await log.initiate(payment(6n));
    await expect(log.markDone(6n)).rejects.toThrow('no decision');
    await log.decide(6n, 'ABORT');
    await log.markDone(6n);
    const done = await log.get(6n);
    await log.markDone(6n);
    expect(await log.get(6n)).toEqual(done);
    expect(done).toMatchObject({ state: 'DONE', decision: 'ABORT' });
    expect(done?.doneAt).toBeGreaterThanOrEqual(done?.decidedAt ?? Infinity);
  });

  it('gives a later incarnation everything not DONE, oldest txid first, and nothing twice', async () => {
    for (const txid of [12n, 10n, 11n, 13n]) await log.initiate(payment(txid));
    await log.decide(13n, 'COMMIT');
    await log.decide(11n, 'ABORT');
    await log.decide(12n, 'COMMIT');
    await log.markDone(12n);
    expect(await log.takeOver(10)).toEqual([]);
    const next = reincarnate(log);
    expect((await next.takeOver(2)).map((r) => [r.txid, r.state])).toEqual([
      [10n, 'INITIATED'],
      [11n, 'ABORT'],
    ]);
    expect((await next.takeOver(10)).map((r) => r.txid)).toEqual([13n]);
    expect(await next.takeOver(10)).toEqual([]);
    expect(await log.renew([10n, 11n, 13n])).toEqual([10n, 11n, 13n]);
    expect(await next.renew([10n, 11n, 12n, 13n])).toEqual([12n]);
  });

  it('upgrades a file of the unversioned schema in place, keeping its transactions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strife-decisionlog-v1-'));
    try {
      const path = join(dir, 'old.db');
      const raw = new Database(path);
      raw.exec(DECISION_LOG_MIGRATIONS[0] ?? '');
      raw.exec(`INSERT INTO transactions (txid, decision, created_at, decided_at) VALUES (3, 'COMMIT', 1, 2);
        INSERT INTO legs (txid, idx, participant, kind, account, amount) VALUES (3, 0, 'SBI', 'debit', '1', 5);`);
      raw.close();
      const upgraded = SqliteDecisionLog.open(path);
      expect(await upgraded.get(3n)).toMatchObject({
        state: 'COMMIT',
        legs: [debit('SBI', '1', 5n)],
      });
      expect((await upgraded.takeOver(10)).map((r) => r.txid)).toEqual([3n]);
      await upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips the largest txid and amount exactly', async () => {
    const max = (1n << 63n) - 1n;
    const tx: Transaction = { txid: max, legs: [debit('SBI', '1', max)] };
    await log.initiate(tx);
    expect((await log.get(max))?.legs[0]?.amount).toBe(max);
  });

  describe('on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strife-decisionlog-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('survives a reopen, in WAL mode', async () => {
      const path = join(dir, 'log.db');
      const first = SqliteDecisionLog.open(path);
      await first.initiate(payment(21n));
      await first.decide(21n, 'COMMIT');
      await first.close();
      await first.close();

      const second = SqliteDecisionLog.open(path);
      expect(await second.get(21n)).toMatchObject({ state: 'COMMIT', legs: payment(21n).legs });
      await second.close();

      const raw = new Database(path, { readonly: true });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      raw.close();
    });
  });
});
