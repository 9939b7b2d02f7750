import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { InvalidArgument, type LegKind, type Vote } from '@strife/domain';
import { GroupCommit, migrate } from '@strife/sqlite';
import { AccountBook } from './accountBook';
import { nowFrom } from './clock';
import { openDatabase } from './database';
import { LegLog } from './legLog';
import { Participant } from './participant';
import { parseSeedCsv } from './seedCsv';
import { seedImporter } from './seedImport';
import { MIGRATIONS } from './schema';
import { prepareStatements } from './statements';
import type {
  AccountView,
  LedgerOptions,
  LedgerTotals,
  LegRecord,
  LegRequest,
  OpenAccountInput,
  SeedRow,
  TransactionPage,
  TransactionQuery,
  TransferRequest,
} from './types';
import { assertBigint } from './validate';

/**
 * A bank's books on SQLite: accounts, holds and the two-phase-commit participant log. Every
 * method is synchronous and runs in one SQLite transaction that is durable (WAL,
 * `synchronous=FULL`) before it returns, unless it runs inside `grouped`, which shares one
 * durable transaction among many operations. Domain failures throw `@strife/domain` errors;
 * Prepare refusals are NO votes, not errors. One `Ledger` per file; close it when done.
 */
export class Ledger {
  private readonly accounts: AccountBook;
  private readonly participant: Participant;
  private readonly log: LegLog;
  private readonly importRows: (rows: readonly SeedRow[]) => { imported: number };
  private readonly commits: GroupCommit;

  private constructor(
    private readonly db: Database.Database,
    options: LedgerOptions,
  ) {
    const now = nowFrom(options.clock ?? Date.now);
    const statements = prepareStatements(db);
    this.accounts = new AccountBook(db, statements, now, options.firstAccountNo ?? 1001n);
    this.participant = new Participant(db, statements, now);
    this.log = new LegLog(statements, now);
    this.importRows = seedImporter(db, statements, now);
    this.commits = new GroupCommit(db, {
      name: 'the bank’s books',
      ...(options.beforeCommit ? { beforeCommit: options.beforeCommit } : {}),
      ...(options.onCommit ? { onCommit: options.onCommit } : {}),
      ...(options.onFailure ? { onFailure: options.onFailure } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
  }

  /**
   * Opens the books at `path` (created and migrated if needed; `':memory:'` for throw-away
   * books). `firstAccountNo` must be 1 to 20 digits.
   */
  static open(path: string, options: LedgerOptions = {}): Ledger {
    checkFirstAccountNo(options.firstAccountNo);
    return new Ledger(openDatabase(path), options);
  }

  /**
   * The books in a connection that is already open (migrated here if needed), e.g. an in-memory
   * database that outlives this `Ledger`: a simulation reopens a crashed bank's books this way,
   * from exactly what its transactions committed. The connection must read integers as bigints
   * (`openDurableDatabase(path, { safeIntegers: true })`); `close` closes it.
   */
  static attach(db: Database.Database, options: LedgerOptions = {}): Ledger {
    checkFirstAccountNo(options.firstAccountNo);
    migrate(db, MIGRATIONS, { name: 'ledger' });
    return new Ledger(db, options);
  }

  /** Commits what `grouped` has queued, then closes the database; the ledger is unusable after. */
  close(): void {
    this.commits.flush();
    this.db.close();
  }

  /**
   * Group commit: runs `work` (calls on this ledger) in the next shared transaction, with the
   * operations other callers queue in the same turn of the event loop, and resolves with its
   * result once that transaction is durable. Each operation keeps its own meaning and its own
   * all-or-nothing effect (a savepoint); only the fsync is shared. A server answers many
   * concurrent Prepares and Commits this way at the cost of one fsync.
   */
  grouped<T>(work: () => T): Promise<T> {
    return this.commits.write(work);
  }

  /** A durable write that changes nothing: whether the disk takes writes (health probes). */
  probe(): Promise<void> {
    return this.commits.probe();
  }

  /**
   * Opens an account numbered one past the highest existing number (or `firstAccountNo` on
   * empty books) with `initialDeposit` as its balance. Idempotent on `requestId`: a repeat
   * returns the same account as it stands now; the same `requestId` with a different holder or
   * deposit throws `IdempotencyKeyReused`. Bad input throws `InvalidArgument` naming the field,
   * including a deposit past MAX_BALANCE.
   */
  openAccount(input: OpenAccountInput): AccountView {
    return this.accounts.open(input);
  }

  /**
   * Imports seed accounts, only into books with no accounts at all (a bank's first start);
   * otherwise imports nothing and returns `{ imported: 0 }`. Never overwrites. All rows are
   * validated first (`InvalidArgument` naming `rows[i].<field>`); the import is all or nothing.
   */
  importSeed(rows: readonly SeedRow[]): { imported: number } {
    return this.importRows(rows);
  }

  /**
   * Imports a seed CSV (`account_no,holder,balance`, balance a decimal string like `2500.50`)
   * under the same first-start-only rule; on books that have accounts the file is not read. A
   * malformed line throws `InvalidArgument` naming the path, line number and column.
   */
  importSeedCsv(path: string): { imported: number } {
    if (!this.accounts.isEmpty()) return { imported: 0 };
    return this.importRows(parseSeedCsv(readFileSync(path, 'utf8'), path));
  }

  /** The account now; throws `UnknownAccount` if there is none, `InvalidArgument` if malformed. */
  getAccount(accountNo: string): AccountView {
    return this.accounts.get(accountNo);
  }

  /**
   * Votes on taking `amount` from an account (leg `<txid>-debit`). YES places a hold
   * (`held += amount`) and records the leg PREPARED in the same durable transaction. NO
   * (`INVALID_AMOUNT` outside 1..MAX_BALANCE, `UNKNOWN_ACCOUNT`, `ACCOUNT_CLOSED`,
   * `INSUFFICIENT_FUNDS`, or `ALREADY_ABORTED` after a presumed abort) is recorded too. A repeat
   * returns the first answer; a repeat with another account or amount throws `LegMismatch`. A
   * malformed txid or account number throws `InvalidArgument`.
   */
  prepareDebit(req: LegRequest): Vote {
    return this.participant.prepare('debit', req);
  }

  /**
   * Votes on adding `amount` to an account (leg `<txid>-credit`); as `prepareDebit`, but YES
   * reserves the amount as `incoming` instead of holding it, and NO `INVALID_AMOUNT` also when
   * `balance + incoming + amount` would pass MAX_BALANCE — so the commit can never fail.
   */
  prepareCredit(req: LegRequest): Vote {
    return this.participant.prepare('credit', req);
  }

  /**
   * Votes on a same-bank payment as one leg, `<txid>-transfer`: YES holds `amount` on the payer
   * and reserves it as `incoming` on the payee, in one durable transaction; commit then moves
   * the money in one step and abort releases both. NO as for a debit on the payer and a credit
   * on the payee (the detail says which account), and `INVALID_AMOUNT` when both are the same
   * account. Repeats, `LegMismatch` (naming `fromAccountNo`, `toAccountNo` or `amount`) and
   * presumed-abort tombstones behave exactly as for the other legs.
   */
  prepareTransfer(req: TransferRequest): Vote {
    return this.participant.prepareTransfer(req);
  }

  /**
   * Applies a PREPARED leg: the payer's held money leaves its balance (debit, transfer) and the
   * payee's incoming money joins its balance (credit, transfer). This cannot fail for a leg that
   * voted YES. A repeat returns `'COMMITTED'`; an ABORTED leg throws `LegStateConflict`, an
   * unknown one `UnknownLeg`; refusals change nothing.
   */
  commit(txid: bigint, leg: LegKind): 'COMMITTED' {
    return this.participant.commit(txid, leg);
  }

  /**
   * Aborts a leg, releasing what its Prepare reserved (the payer's hold, the payee's incoming).
   * A repeat returns `'ABORTED'`; a COMMITTED leg throws `LegStateConflict`. An unknown leg is
   * recorded ABORTED (presumed abort), so a Prepare arriving later votes NO with
   * `ALREADY_ABORTED`.
   */
  abort(txid: bigint, leg: LegKind): 'ABORTED' {
    return this.participant.abort(txid, leg);
  }

  /**
   * Pages through the leg log newest first (by first arrival, stable while legs arrive or change
   * state), optionally for one account (a transfer is listed for its payer and its payee).
   * `limit` 1..1000, default 100.
   */
  listTransactions(query: TransactionQuery = {}): TransactionPage {
    return this.log.list(query);
  }

  /** This bank's legs of `txid` (none if it never heard of it), for operators. */
  legsOf(txid: bigint): LegRecord[] {
    return this.log.ofTxid(txid);
  }

  /**
   * PREPARED legs (transfers included) recorded at least `olderThanMs` ago, oldest first: what
   * recovery resolves.
   */
  inDoubt(olderThanMs: number): LegRecord[] {
    return this.log.inDoubt(olderThanMs);
  }

  /** Sums of balances, holds and incoming, and the number of accounts, for invariant checks. */
  totals(): LedgerTotals {
    return this.accounts.totals();
  }
}

/** `firstAccountNo` must be 1 to 20 digits. */
function checkFirstAccountNo(first: bigint | undefined): void {
  if (first === undefined) return;
  assertBigint(first, 'firstAccountNo');
  if (first < 1n || first >= 10n ** 20n) {
    throw new InvalidArgument('firstAccountNo', 'must be in 1..99999999999999999999');
  }
}
