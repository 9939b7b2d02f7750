import type Database from 'better-sqlite3';
import type { AccountRow, LegRow } from './rows';

const ACCOUNT_COLUMNS = 'account_no, holder, balance, held, incoming, open';
const LEG_COLUMNS =
  'key, seq, txid, leg, account_no, to_account_no, amount, state, vote_reason, vote_detail, ' +
  'created_at, updated_at';

type AccountAmount = { accountNo: string; amount: bigint };

type NewLeg = {
  key: string;
  txid: bigint;
  leg: string;
  accountNo: string | null;
  toAccountNo: string | null;
  amount: bigint | null;
  state: string;
  reason: string | null;
  detail: string | null;
  now: bigint;
};

type Stmt<Params extends object, Row = unknown> = Database.Statement<Params, Row>;
type Totals = { balance: bigint; held: bigint; incoming: bigint; accounts: bigint };
type RequestRow = { account_no: string; holder: string; initial_deposit: bigint };
type NewAccount = { accountNo: string; holder: string; balance: bigint; now: bigint };
type NewRequest = {
  requestId: string;
  accountNo: string;
  holder: string;
  initialDeposit: bigint;
  now: bigint;
};
type Page = { before: bigint; limit: number };

/** Every statement the ledger runs, prepared once when it opens. */
export interface Statements {
  readonly getAccount: Stmt<{ accountNo: string }, AccountRow>;
  readonly countAccounts: Stmt<[], { n: bigint }>;
  readonly highestAccountNo: Stmt<[], { account_no: string }>;
  readonly insertAccount: Stmt<NewAccount>;
  readonly getRequest: Stmt<{ requestId: string }, RequestRow>;
  readonly insertRequest: Stmt<NewRequest>;
  readonly totals: Stmt<[], Totals>;
  /** A debit's or outgoing transfer's hold: placed at Prepare, released at Abort. */
  readonly hold: Stmt<AccountAmount>;
  readonly release: Stmt<AccountAmount>;
  /** A credit's or incoming transfer's reservation: placed at Prepare, released at Abort. */
  readonly reserveIncoming: Stmt<AccountAmount>;
  readonly releaseIncoming: Stmt<AccountAmount>;
  /** Commit of the paying side: the held money leaves the balance. */
  readonly applyDebit: Stmt<AccountAmount>;
  /** Commit of the receiving side: the reserved money joins the balance. */
  readonly applyCredit: Stmt<AccountAmount>;
  readonly getLeg: Stmt<{ key: string }, LegRow>;
  readonly insertLeg: Stmt<NewLeg>;
  readonly finishLeg: Stmt<{ key: string; state: string; now: bigint }>;
  readonly listAll: Stmt<Page, LegRow>;
  readonly listByAccount: Stmt<Page & { accountNo: string }, LegRow>;
  readonly preparedSince: Stmt<{ cutoff: bigint }, LegRow>;
  readonly byTxid: Stmt<{ txid: bigint }, LegRow>;
}

export function prepareStatements(db: Database.Database): Statements {
  return {
    getAccount: db.prepare<{ accountNo: string }, AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_no = @accountNo`,
    ),
    countAccounts: db.prepare<[], { n: bigint }>('SELECT COUNT(*) AS n FROM accounts'),
    highestAccountNo: db.prepare<[], { account_no: string }>(
      `SELECT account_no FROM accounts
       ORDER BY length(ltrim(account_no, '0')) DESC, ltrim(account_no, '0') DESC LIMIT 1`,
    ),
    insertAccount: db.prepare<{ accountNo: string; holder: string; balance: bigint; now: bigint }>(
      `INSERT INTO accounts (account_no, holder, balance, created_at)
       VALUES (@accountNo, @holder, @balance, @now)`,
    ),
    getRequest: db.prepare<
      { requestId: string },
      { account_no: string; holder: string; initial_deposit: bigint }
    >(
      `SELECT account_no, holder, initial_deposit FROM account_requests
       WHERE request_id = @requestId`,
    ),
    insertRequest: db.prepare<{
      requestId: string;
      accountNo: string;
      holder: string;
      initialDeposit: bigint;
      now: bigint;
    }>(
      `INSERT INTO account_requests (request_id, account_no, holder, initial_deposit, created_at)
       VALUES (@requestId, @accountNo, @holder, @initialDeposit, @now)`,
    ),
    totals: db.prepare<[], Totals>(
      `SELECT COALESCE(SUM(balance), 0) AS balance, COALESCE(SUM(held), 0) AS held,
              COALESCE(SUM(incoming), 0) AS incoming, COUNT(*) AS accounts
       FROM accounts`,
    ),
    hold: db.prepare<AccountAmount>(
      'UPDATE accounts SET held = held + @amount WHERE account_no = @accountNo',
    ),
    release: db.prepare<AccountAmount>(
      'UPDATE accounts SET held = held - @amount WHERE account_no = @accountNo',
    ),
    reserveIncoming: db.prepare<AccountAmount>(
      'UPDATE accounts SET incoming = incoming + @amount WHERE account_no = @accountNo',
    ),
    releaseIncoming: db.prepare<AccountAmount>(
      'UPDATE accounts SET incoming = incoming - @amount WHERE account_no = @accountNo',
    ),
    applyDebit: db.prepare<AccountAmount>(
      `UPDATE accounts SET balance = balance - @amount, held = held - @amount
       WHERE account_no = @accountNo`,
    ),
    applyCredit: db.prepare<AccountAmount>(
      `UPDATE accounts SET balance = balance + @amount, incoming = incoming - @amount
       WHERE account_no = @accountNo`,
    ),
    getLeg: db.prepare<{ key: string }, LegRow>(`SELECT ${LEG_COLUMNS} FROM legs WHERE key = @key`),
    insertLeg: db.prepare<NewLeg>(
      `INSERT INTO legs (key, seq, txid, leg, account_no, to_account_no, amount, state,
                         vote_reason, vote_detail, created_at, updated_at)
       VALUES (@key, (SELECT COALESCE(MAX(seq), 0) + 1 FROM legs), @txid, @leg, @accountNo,
               @toAccountNo, @amount, @state, @reason, @detail, @now, @now)`,
    ),
    finishLeg: db.prepare<{ key: string; state: string; now: bigint }>(
      `UPDATE legs SET state = @state, updated_at = @now
       WHERE key = @key AND state = 'PREPARED'`,
    ),
    listAll: db.prepare<{ before: bigint; limit: number }, LegRow>(
      `SELECT ${LEG_COLUMNS} FROM legs
       WHERE account_no IS NOT NULL AND seq < @before ORDER BY seq DESC LIMIT @limit`,
    ),
    // The legs at an account and the transfers into it, each side read in index order.
    listByAccount: db.prepare<{ accountNo: string; before: bigint; limit: number }, LegRow>(
      `SELECT * FROM (
         SELECT ${LEG_COLUMNS} FROM legs
         WHERE account_no = @accountNo AND seq < @before ORDER BY seq DESC LIMIT @limit)
       UNION ALL
       SELECT * FROM (
         SELECT ${LEG_COLUMNS} FROM legs
         WHERE to_account_no = @accountNo AND account_no <> @accountNo AND seq < @before
         ORDER BY seq DESC LIMIT @limit)
       ORDER BY seq DESC LIMIT @limit`,
    ),
    preparedSince: db.prepare<{ cutoff: bigint }, LegRow>(
      `SELECT ${LEG_COLUMNS} FROM legs
       WHERE state = 'PREPARED' AND created_at <= @cutoff ORDER BY created_at, seq`,
    ),
    byTxid: db.prepare<{ txid: bigint }, LegRow>(
      `SELECT ${LEG_COLUMNS} FROM legs WHERE txid = @txid AND account_no IS NOT NULL ORDER BY seq`,
    ),
  };
}
