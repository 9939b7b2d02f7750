import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Ledger, type AccountView, type LegRecord, type LedgerTotals } from '../src';

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `strife-ledger-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A clock the test moves by hand. */
export function manualClock(startMs = 1_700_000_000_000): {
  clock: () => number;
  advance: (ms: number) => void;
} {
  let now = startMs;
  return {
    clock: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Alice 1001 has 10000, Bob 1002 has 5000, Carol 1003 has 0 (minor units). */
export const SEED = [
  { accountNo: '1001', holder: 'Alice', balance: 10_000n },
  { accountNo: '1002', holder: 'Bob', balance: 5_000n },
  { accountNo: '1003', holder: 'Carol', balance: 0n },
] as const;

/** In-memory books holding `SEED`. */
export function seededLedger(clock?: () => number): Ledger {
  const ledger = Ledger.open(':memory:', clock === undefined ? {} : { clock });
  ledger.importSeed(SEED);
  return ledger;
}

/** Every leg record, newest first, across all pages. */
export function allLegs(ledger: Ledger, accountNo?: string): LegRecord[] {
  const records: LegRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = ledger.listTransactions({
      limit: 1000,
      ...(accountNo === undefined ? {} : { accountNo }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    records.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return records;
}

export interface Snapshot {
  readonly accounts: AccountView[];
  readonly legs: LegRecord[];
  readonly totals: LedgerTotals;
}

/** Everything a caller can observe about the seed accounts and the log. */
export function snapshot(ledger: Ledger): Snapshot {
  return {
    accounts: SEED.map((row) => ledger.getAccount(row.accountNo)),
    legs: allLegs(ledger),
    totals: ledger.totals(),
  };
}

/** The error `fn` throws, checked to be a `type`; fails the test if it returns. */
export function thrown<E extends Error>(
  fn: () => unknown,
  type: abstract new (...args: never[]) => E,
): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    if (err instanceof type) return err;
    throw new Error(`threw something other than ${type.name}`, { cause: err });
  }
  throw new Error(`expected ${type.name}, but the call returned`);
}

/** Runs SQL against a ledger file behind the library's back (e.g. to close an account). */
export function rawExec(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
