import type Database from 'better-sqlite3';
import type { Decision, LegKind } from '@strife/coordinator';
import { writeCount } from '../world/databases';

/** A bank's leg, as its books hold it. A row without an account is a presumed-abort tombstone. */
export interface BankLeg {
  readonly key: string;
  readonly txid: bigint;
  readonly leg: LegKind;
  readonly account_no: string | null;
  readonly to_account_no: string | null;
  readonly amount: bigint | null;
  readonly state: 'PREPARED' | 'COMMITTED' | 'ABORTED';
}

/** A bank's leg of a transaction known from the query (`legsOf`): without its txid. */
export type HeldLeg = Omit<BankLeg, 'txid'>;

export interface BankAccount {
  readonly account_no: string;
  readonly balance: bigint;
  readonly held: bigint;
  readonly incoming: bigint;
}

/**
 * Reads of one connection by key, kept while the connection runs nothing that may write (the
 * pool's `writeCount` stands still), since until then the same query reads the same rows. On a
 * connection from elsewhere, every read queries.
 */
class Kept<K, V> {
  private readonly values = new Map<K, V>();
  private writes: number | undefined;

  constructor(private readonly db: Database.Database) {}

  get(key: K, read: (key: K) => V): V {
    const writes = writeCount(this.db);
    if (writes === undefined || writes !== this.writes) {
      this.values.clear();
      this.writes = writes;
    } else if (this.values.has(key)) {
      return this.values.get(key) as V;
    }
    const value = read(key);
    this.values.set(key, value);
    return value;
  }
}

/**
 * A query whose rows come back as arrays, each made into a `T` by `shape`: better-sqlite3 builds
 * a row object property by property, which costs more than the query. Its SQL is its own (a
 * comment marks it), so that no statement the real code shares through the connection's cache
 * changes mode.
 */
class Query<P extends unknown[], T> {
  private readonly statement: Database.Statement<P, unknown[]>;

  constructor(
    db: Database.Database,
    sql: string,
    private readonly shape: (row: unknown[]) => T,
  ) {
    this.statement = db.prepare<P, unknown[]>(`${sql} /* sim: rows as arrays */`).raw(true);
  }

  all(...params: P): T[] {
    return this.statement.all(...params).map((row) => this.shape(row));
  }

  get(...params: P): T | undefined {
    const row = this.statement.get(...params);
    return row === undefined ? undefined : this.shape(row);
  }
}

/** A bank's leg from `key, txid, leg, account_no, to_account_no, amount, state`. */
function bankLeg(row: unknown[]): BankLeg {
  return {
    key: row[0] as string,
    txid: row[1] as bigint,
    leg: row[2] as LegKind,
    account_no: row[3] as string | null,
    to_account_no: row[4] as string | null,
    amount: row[5] as bigint | null,
    state: row[6] as BankLeg['state'],
  };
}

/**
 * Read-only queries on a bank's books, on the same connection the bank writes through. They run
 * between events, never inside a batch, so they see exactly what is committed. `legsOf`,
 * `prepared` and `accounts` answer from what they read last while the connection writes nothing.
 */
export class BankInspector {
  private readonly s;
  private readonly kept;

  constructor(
    readonly bank: string,
    db: Database.Database,
  ) {
    this.kept = {
      legsOf: new Kept<bigint, readonly HeldLeg[]>(db),
      prepared: new Kept<null, readonly BankLeg[]>(db),
      accounts: new Kept<null, readonly BankAccount[]>(db),
      legs: new Kept<null, readonly BankLeg[]>(db),
    };
    const columns = 'key, txid, leg, account_no, to_account_no, amount, state';
    this.s = {
      // Keys are `<txid>-<leg>`; '.' sorts right after '-', so this is one index range.
      legsOf: new Query<[string, string], HeldLeg>(
        db,
        'SELECT key, leg, account_no, to_account_no, amount, state FROM legs WHERE key >= ? AND key < ?',
        (row) => ({
          key: row[0] as string,
          leg: row[1] as LegKind,
          account_no: row[2] as string | null,
          to_account_no: row[3] as string | null,
          amount: row[4] as bigint | null,
          state: row[5] as BankLeg['state'],
        }),
      ),
      prepared: new Query<[], BankLeg>(
        db,
        `SELECT ${columns} FROM legs WHERE state = 'PREPARED'`,
        bankLeg,
      ),
      all: new Query<[], BankLeg>(db, `SELECT ${columns} FROM legs ORDER BY seq`, bankLeg),
      accounts: new Query<[], BankAccount>(
        db,
        'SELECT account_no, balance, held, incoming FROM accounts ORDER BY account_no',
        (row) => ({
          account_no: row[0] as string,
          balance: row[1] as bigint,
          held: row[2] as bigint,
          incoming: row[3] as bigint,
        }),
      ),
    };
  }

  /** The legs of `txid` (debit, credit, transfer) this bank holds. */
  legsOf(txid: bigint): readonly HeldLeg[] {
    return this.kept.legsOf.get(txid, (id) => this.s.legsOf.all(`${id}-`, `${id}.`));
  }

  prepared(): readonly BankLeg[] {
    return this.kept.prepared.get(null, () => this.s.prepared.all());
  }

  legs(): readonly BankLeg[] {
    return this.kept.legs.get(null, () => this.s.all.all());
  }

  accounts(): readonly BankAccount[] {
    return this.kept.accounts.get(null, () => this.s.accounts.all());
  }
}

/** A transaction in the shared decision log. */
export interface LoggedTx {
  readonly txid: bigint;
  readonly decision: Decision | null;
  readonly done_at: bigint | null;
}

/** What the checks after each step read of a logged transaction. */
export type TxDecision = Pick<LoggedTx, 'decision'>;

/** Transactions not DONE, and payments still PENDING. */
export interface Unfinished {
  readonly open: number;
  readonly pending: number;
}

/** What the checks after each step read of a payment. */
export type PaymentStatus = Pick<PaymentRow, 'idem_key' | 'status'>;

/** A leg as the decision log has it (INITIATED with the transaction). */
export interface LoggedLeg {
  readonly participant: string;
  readonly kind: LegKind;
  readonly account: string;
  readonly to_account: string | null;
  readonly amount: bigint;
}

/** A payment row: the key's record and the payment at once. */
export interface PaymentRow {
  readonly username: string;
  readonly idem_key: string;
  readonly txid: bigint;
  readonly from_account: string;
  readonly to_account: string;
  readonly amount: bigint;
  readonly status: 'PENDING' | 'COMMITTED' | 'ABORTED';
  readonly abort_reason: string | null;
  readonly reason: string;
  readonly created_at: bigint;
}

/**
 * Read-only queries on the gateway instances' shared database. `transaction`, `legs`, `payment`
 * and `unfinished` answer from what they read last while the connection writes nothing.
 */
export class GatewayInspector {
  private readonly s;
  private readonly kept;

  constructor(db: Database.Database) {
    this.kept = {
      tx: new Kept<bigint, TxDecision | undefined>(db),
      legs: new Kept<bigint, readonly LoggedLeg[]>(db),
      payment: new Kept<bigint, PaymentStatus | undefined>(db),
      unfinished: new Kept<null, Unfinished>(db),
    };
    this.s = {
      // Only the columns the checks read: every value read back costs.
      tx: new Query<[bigint], TxDecision>(
        db,
        'SELECT decision FROM transactions WHERE txid = ?',
        (row) => ({ decision: row[0] as Decision | null }),
      ),
      legs: new Query<[bigint], LoggedLeg>(
        db,
        'SELECT participant, kind, account, to_account, amount FROM legs WHERE txid = ? ORDER BY idx',
        (row) => ({
          participant: row[0] as string,
          kind: row[1] as LegKind,
          account: row[2] as string,
          to_account: row[3] as string | null,
          amount: row[4] as bigint,
        }),
      ),
      payment: new Query<[bigint], PaymentStatus>(
        db,
        'SELECT idem_key, status FROM payments WHERE txid = ?',
        (row) => ({ idem_key: row[0] as string, status: row[1] as PaymentRow['status'] }),
      ),
      byKey: db.prepare<[string, string], PaymentRow>(
        'SELECT * FROM payments WHERE username = ? AND idem_key = ?',
      ),
      txs: db.prepare<[], LoggedTx>(
        'SELECT txid, decision, done_at FROM transactions ORDER BY txid',
      ),
      payments: db.prepare<[], PaymentRow>('SELECT * FROM payments ORDER BY txid'),
      unfinished: new Query<[], Unfinished>(
        db,
        `SELECT (SELECT COUNT(*) FROM transactions WHERE done_at IS NULL),
                (SELECT COUNT(*) FROM payments WHERE status = 'PENDING')`,
        (row) => ({ open: Number(row[0]), pending: Number(row[1]) }),
      ),
    };
  }

  /** The decision of `txid`, if it is logged. */
  transaction(txid: bigint): TxDecision | undefined {
    return this.kept.tx.get(txid, (id) => this.s.tx.get(id));
  }

  legs(txid: bigint): readonly LoggedLeg[] {
    return this.kept.legs.get(txid, (id) => this.s.legs.all(id));
  }

  /** The key and status of `txid`'s payment, if there is one. */
  payment(txid: bigint): PaymentStatus | undefined {
    return this.kept.payment.get(txid, (id) => this.s.payment.get(id));
  }

  paymentByKey(username: string, key: string): PaymentRow | undefined {
    return this.s.byKey.get(username, key);
  }

  transactions(): LoggedTx[] {
    return this.s.txs.all();
  }

  payments(): PaymentRow[] {
    return this.s.payments.all();
  }

  /** Transactions not DONE, and payments still PENDING. */
  unfinished(): Unfinished {
    return this.kept.unfinished.get(null, () => this.s.unfinished.get() ?? { open: 0, pending: 0 });
  }
}
