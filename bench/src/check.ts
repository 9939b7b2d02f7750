import { Leg, type LegRecord, LegState } from '@strife/protocol';
import type { BankClient } from './cluster';
import type { BenchSeed } from './seed';

/** The books after the run. */
export interface CheckResult {
  readonly ok: boolean;
  /** False when the books could not be read; the figures below are then zero. */
  readonly booksRead: boolean;
  /** Sum of opening balances, and of balances now, in paise. */
  readonly expectedTotal: bigint;
  readonly actualTotal: bigint;
  /** Sum of holds still placed, in paise. */
  readonly held: bigint;
  /** Legs in each bank's 2PC log by state, summed over the banks. */
  readonly legs: {
    readonly prepared: number;
    readonly committed: number;
    readonly aborted: number;
  };
  /** Payments whose debit leg committed, across the banks. */
  readonly committedInBooks: number;
  /** COMMITTED answers the clients got. */
  readonly committedAnswers: number;
  /** How long it waited for phase 2 to finish. */
  readonly waitedMs: number;
  /** Every violation, described; empty when ok. */
  readonly problems: readonly string[];
}

const PAGE_SIZE = 1000;
const POLL_MS = 200;

/** Every leg in one bank's log, all pages. */
export async function legsOf(bank: BankClient): Promise<LegRecord[]> {
  const legs: LegRecord[] = [];
  let pageToken = '';
  do {
    const page = await bank.listTransactions({ accountNo: '', pageSize: PAGE_SIZE, pageToken });
    legs.push(...page.records);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return legs;
}

/**
 * Waits up to `waitMs` for phase 2 to leave no leg PREPARED, then checks the books: money is
 * conserved (balances add up to the opening total), nothing is held, no leg is PREPARED, and
 * every COMMITTED answer a client got is a committed payment in the books (the books may hold
 * more: a call that timed out may still have committed).
 */
export async function finalCheck(
  banks: ReadonlyMap<string, BankClient>,
  seed: BenchSeed,
  committedAnswers: number,
  waitMs = 10_000,
): Promise<CheckResult> {
  const started = performance.now();
  let legs = await allLegs(banks);
  while (legs.some(isPrepared) && performance.now() - started < waitMs) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    legs = await allLegs(banks);
  }
  const waitedMs = performance.now() - started;

  let actualTotal = 0n;
  let held = 0n;
  const problems: string[] = [];
  for (const account of seed.accounts) {
    const bank = banks.get(account.bank);
    if (!bank) throw new Error(`no client for bank ${account.bank}`);
    const { account: found } = await bank.getAccount({ accountNo: account.accountNo });
    if (!found) {
      problems.push(`${account.address}: missing from the books`);
      continue;
    }
    actualTotal += found.balance;
    held += found.held;
    if (found.balance < 0n || found.available < 0n) {
      problems.push(`${account.address}: negative balance or available`);
    }
  }

  const count = (state: LegState): number => legs.filter((l) => l.state === state).length;
  const counts = {
    prepared: count(LegState.LEG_STATE_PREPARED),
    committed: count(LegState.LEG_STATE_COMMITTED),
    aborted: count(LegState.LEG_STATE_ABORTED),
  };
  const committedInBooks = legs.filter(
    (l) => l.leg === Leg.LEG_DEBIT && l.state === LegState.LEG_STATE_COMMITTED,
  ).length;

  if (actualTotal !== seed.total) {
    problems.push(`money not conserved: balances add up to ${actualTotal}, expected ${seed.total}`);
  }
  if (held !== 0n) problems.push(`${held} paise still held`);
  if (counts.prepared > 0) {
    problems.push(`${counts.prepared} legs still PREPARED after ${Math.round(waitedMs)} ms`);
  }
  if (committedInBooks < committedAnswers) {
    problems.push(
      `clients were told COMMITTED ${committedAnswers} times, the books hold ${committedInBooks} committed payments`,
    );
  }
  return {
    ok: problems.length === 0,
    booksRead: true,
    expectedTotal: seed.total,
    actualTotal,
    held,
    legs: counts,
    committedInBooks,
    committedAnswers,
    waitedMs,
    problems,
  };
}

/** The verdict when the books could not be read at all (a bank died, say): failed. */
export function uncheckable(seed: BenchSeed, committedAnswers: number, err: unknown): CheckResult {
  const message = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    booksRead: false,
    expectedTotal: seed.total,
    actualTotal: 0n,
    held: 0n,
    legs: { prepared: 0, committed: 0, aborted: 0 },
    committedInBooks: 0,
    committedAnswers,
    waitedMs: 0,
    problems: [`could not read the books: ${message}`],
  };
}

async function allLegs(banks: ReadonlyMap<string, BankClient>): Promise<LegRecord[]> {
  const lists = await Promise.all([...banks.values()].map(legsOf));
  return lists.flat();
}

function isPrepared(leg: LegRecord): boolean {
  return leg.state === LegState.LEG_STATE_PREPARED;
}
