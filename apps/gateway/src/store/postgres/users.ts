import type { Pool } from 'pg';
import type { SeedUserRecord, User, UserStore } from '../../auth/userStore';
import { rows, transaction } from './sql';

interface Row {
  username: string;
  password_hash: string;
  bank: string;
  account_no: string | null;
  state: 'PENDING' | 'ACTIVE';
  open_request_id: string;
  initial_deposit: bigint;
}

/** Serialises seed imports of instances starting together (see `importIfEmpty`). */
const SEED_LOCK = 0x5374_7269_6665_0002n;

export class PgUserStore implements UserStore {
  constructor(private readonly pool: Pool) {}

  async reserve(user: Omit<User, 'state' | 'accountNo'>): Promise<boolean> {
    const inserted = await rows(
      this.pool,
      `INSERT INTO users (username, password_hash, bank, state, open_request_id, initial_deposit, created_at)
       VALUES ($1, $2, $3, 'PENDING', $4, $5, $6) ON CONFLICT DO NOTHING RETURNING username`,
      [
        user.username,
        user.passwordHash,
        user.bank,
        user.openRequestId,
        user.initialDeposit,
        Date.now(),
      ],
    );
    return inserted.length === 1;
  }

  async activate(username: string, accountNo: string): Promise<void> {
    await rows(
      this.pool,
      `UPDATE users SET account_no = $1, state = 'ACTIVE' WHERE username = $2 AND state = 'PENDING'`,
      [accountNo, username],
    );
  }

  async find(username: string): Promise<User | undefined> {
    const [row] = await rows<Row>(this.pool, 'SELECT * FROM users WHERE username = $1', [username]);
    return row && toUser(row);
  }

  async pending(): Promise<User[]> {
    const found = await rows<Row>(
      this.pool,
      `SELECT * FROM users WHERE state = 'PENDING' ORDER BY created_at`,
    );
    return found.map(toUser);
  }

  async isEmpty(): Promise<boolean> {
    return (await rows(this.pool, 'SELECT 1 FROM users LIMIT 1')).length === 0;
  }

  /** Under an advisory lock, so instances starting together import the seed once. */
  importIfEmpty(users: readonly SeedUserRecord[]): Promise<number> {
    return transaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      const { rows: any } = await client.query('SELECT 1 FROM users LIMIT 1');
      if (any.length > 0) return 0;
      await client.query(
        `INSERT INTO users (username, password_hash, bank, account_no, state, open_request_id, initial_deposit, created_at)
         SELECT u, h, b, a, 'ACTIVE', 'seed', 0, $5
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS i(u, h, b, a)`,
        [
          users.map((u) => u.username),
          users.map((u) => u.passwordHash),
          users.map((u) => u.bank),
          users.map((u) => u.accountNo ?? ''),
          Date.now(),
        ],
      );
      return users.length;
    });
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
