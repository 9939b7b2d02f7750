import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { InvalidArgument } from '@strife/domain';
import { GroupCommit } from '@strife/sqlite';
import { AccountBook } from './accountBook';
import { nowFrom } from './clock';
import { openDatabase } from './database';
import { LegLog } from './legLog';
import { Participant } from './participant';
import { parseSeedCsv } from './seedCsv';
import { seedImporter } from './seedImport';
import { prepareStatements } from './statements';
import type {
  AccountView,
  LedgerOptions,
  LedgerTotals,
  LegName,
  LegRecord,
  LegRequest,
  OpenAccountInput,
  SeedRow,
  TransactionPage,
  TransactionQuery,
  Vote,
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
    this.commits = new GroupCommit(db);
  }

  /**
   * Opens the books at `path` (created and migrated if needed; `':memory:'` for throw-away
   * books). `firstAccountNo` must be 1 to 20 digits.
   */
  static open(path: string, options: LedgerOptions = {}): Ledger {
    const first = options.firstAccountNo;
    if (first !== undefined) {
      assertBigint(first, 'firstAccountNo');
      if (first < 1n || first >= 10n ** 20n) {
        throw new InvalidArgument('firstAccountNo', 'must be in 1..99999999999999999999');
      }
    }
    return new Ledger(openDatabase(path), options);
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

  /**
   * Opens an account numbered one past the highest existing number (or `firstAccountNo` on
   * empty books) with `initialDeposit` as its balance. Idempotent on `requestId`: a repeat
   * returns the same account as it stands now; the same `requestId` with a different holder or
   * deposit throws `IdempotencyKeyReused`. Bad input throws `InvalidArgument` naming the field.
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
   * Votes on taking `amount` from an account. YES places a hold (`held += amount`) and records
   * the leg PREPARED in the same durable transaction. NO (`INVALID_AMOUNT`, `UNKNOWN_ACCOUNT`,
   * `ACCOUNT_CLOSED`, `INSUFFICIENT_FUNDS`, or `ALREADY_ABORTED` after a presumed abort) is
   * recorded too. A repeat returns the first answer; a repeat with another account or amount
   * throws `LegMismatch`. A malformed txid or account number throws `InvalidArgument`.
   */
  prepareDebit(req: LegRequest): Vote {
    return this.participant.prepare('debit', req);
  }

  /** Votes on adding `amount` to an account; as `prepareDebit`, but places no hold. */
  prepareCredit(req: LegRequest): Vote {
    return this.participant.prepare('credit', req);
  }

  /**
   * Applies a PREPARED leg (debit: `balance -= amount, held -= amount`; credit:
   * `balance += amount`). A repeat returns `'COMMITTED'`; an ABORTED leg throws
   * `LegStateConflict`, an unknown one `UnknownLeg`; refusals change nothing.
   */
  commit(txid: bigint, leg: LegName): 'COMMITTED' {
    return this.participant.commit(txid, leg);
  }

  /**
   * Aborts a leg (a PREPARED debit releases its hold). A repeat returns `'ABORTED'`; a COMMITTED
   * leg throws `LegStateConflict`. An unknown leg is recorded ABORTED (presumed abort), so a
   * Prepare arriving later votes NO with `ALREADY_ABORTED`.
   */
  abort(txid: bigint, leg: LegName): 'ABORTED' {
    return this.participant.abort(txid, leg);
  }

  /**
   * Pages through the leg log newest first (by first arrival, stable while legs arrive or change
   * state), optionally for one account. `limit` 1..1000, default 100.
   */
  listTransactions(query: TransactionQuery = {}): TransactionPage {
    return this.log.list(query);
  }

  /** PREPARED legs recorded at least `olderThanMs` ago, oldest first: what recovery resolves. */
  inDoubt(olderThanMs: number): LegRecord[] {
    return this.log.inDoubt(olderThanMs);
  }

  /** Sum of balances and holds and the number of accounts, for invariant checks. */
  totals(): LedgerTotals {
    return this.accounts.totals();
  }
}
