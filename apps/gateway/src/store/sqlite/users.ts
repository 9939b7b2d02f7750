import type Database from 'better-sqlite3';
import type { SeedUserRecord, User, UserStore } from '../../auth/userStore';

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
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      reserve: db.prepare<[string, string, string, string, bigint, number]>(
        `INSERT INTO users (username, password_hash, bank, state, open_request_id, initial_deposit, created_at)
         VALUES (?, ?, ?, 'PENDING', ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      activate: db.prepare<[string, string]>(
        `UPDATE users SET account_no = ?, state = 'ACTIVE' WHERE username = ? AND state = 'PENDING'`,
      ),
      find: db.prepare<[string], Row>('SELECT * FROM users WHERE username = ?'),
      pending: db.prepare<[], Row>(
        `SELECT * FROM users WHERE state = 'PENDING' ORDER BY created_at`,
      ),
      count: db.prepare<[], { n: bigint }>('SELECT COUNT(*) AS n FROM users'),
      import: db.prepare<[string, string, string, string, number]>(
        `INSERT INTO users (username, password_hash, bank, account_no, state, open_request_id, initial_deposit, created_at)
         VALUES (?, ?, ?, ?, 'ACTIVE', 'seed', 0, ?)`,
      ),
    };
  }

  reserve(user: Omit<User, 'state' | 'accountNo'>): Promise<boolean> {
    const { changes } = this.s.reserve.run(
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
    this.s.activate.run(accountNo, username);
    return Promise.resolve();
  }

  find(username: string): Promise<User | undefined> {
    const row = this.s.find.get(username);
    return Promise.resolve(row && toUser(row));
  }

  pending(): Promise<User[]> {
    return Promise.resolve(this.s.pending.all().map(toUser));
  }

  isEmpty(): Promise<boolean> {
    return Promise.resolve((this.s.count.get()?.n ?? 0n) === 0n);
  }

  importIfEmpty(users: readonly SeedUserRecord[]): Promise<number> {
    return Promise.resolve(
      this.db.transaction(() => {
        if ((this.s.count.get()?.n ?? 0n) > 0n) return 0;
        for (const u of users) {
          this.s.import.run(u.username, u.passwordHash, u.bank, u.accountNo ?? '', Date.now());
        }
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
