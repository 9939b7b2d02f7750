import type Database from 'better-sqlite3';

export interface User {
  readonly username: string;
  readonly passwordHash: string;
  readonly bank: string;
  /** Set once the bank has opened the account. */
  readonly accountNo: string | undefined;
  /** PENDING between reserving the name and the bank opening the account. */
  readonly state: 'PENDING' | 'ACTIVE';
  /** The bank's `OpenAccount` request id, so a resumed registration opens the same account. */
  readonly openRequestId: string;
  readonly initialDeposit: bigint;
}

/** Users, behind an async seam so several gateways can share a database later. */
export interface UserStore {
  /** Inserts a PENDING user; false when the name is taken. */
  reserve(user: Omit<User, 'state' | 'accountNo'>): Promise<boolean>;
  activate(username: string, accountNo: string): Promise<void>;
  find(username: string): Promise<User | undefined>;
  pending(): Promise<User[]>;
  isEmpty(): Promise<boolean>;
  /** Imports ACTIVE users only when there are no users at all; returns how many. */
  importIfEmpty(
    users: readonly Omit<User, 'state' | 'openRequestId' | 'initialDeposit'>[],
  ): Promise<number>;
}

interface Row {
  username: string;
  password_hash: string;
  bank: string;
  account_no: string | null;
  state: 'PENDING' | 'ACTIVE';
  open_request_id: string;
  initial_deposit: bigint;
}

export class SqliteUserStore implements UserStore {
  private readonly reserveStmt;
  private readonly activateStmt;
  private readonly findStmt;
  private readonly pendingStmt;
  private readonly countStmt;
  private readonly importStmt;

  constructor(private readonly db: Database.Database) {
    this.reserveStmt = db.prepare<[string, string, string, string, bigint, number]>(
      `INSERT INTO users (username, password_hash, bank, state, open_request_id, initial_deposit, created_at)
       VALUES (?, ?, ?, 'PENDING', ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.activateStmt = db.prepare<[string, string]>(
      `UPDATE users SET account_no = ?, state = 'ACTIVE' WHERE username = ? AND state = 'PENDING'`,
    );
    this.findStmt = db.prepare<[string], Row>('SELECT * FROM users WHERE username = ?');
    this.pendingStmt = db.prepare<[], Row>(
      `SELECT * FROM users WHERE state = 'PENDING' ORDER BY created_at`,
    );
    this.countStmt = db.prepare<[], { n: bigint }>('SELECT COUNT(*) AS n FROM users');
    this.importStmt = db.prepare<[string, string, string, string, number]>(
      `INSERT INTO users (username, password_hash, bank, account_no, state, open_request_id, initial_deposit, created_at)
       VALUES (?, ?, ?, ?, 'ACTIVE', 'seed', 0, ?)`,
    );
  }

  reserve(user: Omit<User, 'state' | 'accountNo'>): Promise<boolean> {
    const { changes } = this.reserveStmt.run(
      user.username,
      user.passwordHash,
      user.bank,
      user.openRequestId,
      user.initialDeposit,
      Date.now(),
    );
    return Promise.resolve(changes === 1);
  }

  activate(username: string, accountNo: string): Promise<void> {
    this.activateStmt.run(accountNo, username);
    return Promise.resolve();
  }

  find(username: string): Promise<User | undefined> {
    const row = this.findStmt.get(username);
    return Promise.resolve(row && toUser(row));
  }

  pending(): Promise<User[]> {
    return Promise.resolve(this.pendingStmt.all().map(toUser));
  }

  isEmpty(): Promise<boolean> {
    return Promise.resolve((this.countStmt.get()?.n ?? 0n) === 0n);
  }

  importIfEmpty(
    users: readonly Omit<User, 'state' | 'openRequestId' | 'initialDeposit'>[],
  ): Promise<number> {
    return Promise.resolve(
      this.db.transaction(() => {
        if ((this.countStmt.get()?.n ?? 0n) > 0n) return 0;
        for (const u of users)
          this.importStmt.run(u.username, u.passwordHash, u.bank, u.accountNo ?? '', Date.now());
        return users.length;
      })(),
    );
  }
}

function toUser(row: Row): User {
  return {
    username: row.username,
    passwordHash: row.password_hash,
    bank: row.bank,
    accountNo: row.account_no ?? undefined,
    state: row.state,
    openRequestId: row.open_request_id,
    initialDeposit: row.initial_deposit,
  };
}
