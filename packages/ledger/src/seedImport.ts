import type Database from 'better-sqlite3';
import { InvalidArgument } from '@strife/domain';
import type { Now } from './clock';
import type { Statements } from './statements';
import type { SeedRow } from './types';
import { assertAccountNo, assertDeposit, requireText } from './validate';

/**
 * Returns a function that imports seed accounts only into books with no accounts at all (a
 * bank's first start), all in one transaction, and never overwrites: on books that already have
 * accounts it imports nothing and returns 0. Rows are validated first; a bad row throws
 * `InvalidArgument` naming `rows[i].<field>` and nothing is imported.
 */
export function seedImporter(
  db: Database.Database,
  s: Statements,
  now: Now,
): (rows: readonly SeedRow[]) => { imported: number } {
  const importAll = db.transaction((rows: readonly SeedRow[]) => {
    if ((s.countAccounts.get()?.n ?? 0n) > 0n) return { imported: 0 };
    const at = now();
    for (const row of rows) {
      s.insertAccount.run({
        accountNo: row.accountNo,
        holder: row.holder,
        balance: row.balance,
        now: at,
      });
    }
    return { imported: rows.length };
  });
  return (rows) => importAll.immediate(validateSeed(rows));
}

function validateSeed(rows: readonly SeedRow[]): SeedRow[] {
  const seen = new Map<string, number>();
  return rows.map((row, index) => {
    const field = `rows[${index}]`;
    assertAccountNo(row.accountNo, `${field}.accountNo`);
    assertDeposit(row.balance, `${field}.balance`);
    const earlier = seen.get(row.accountNo);
    if (earlier !== undefined) {
      throw new InvalidArgument(`${field}.accountNo`, `${row.accountNo} is also rows[${earlier}]`);
    }
    seen.set(row.accountNo, index);
    return {
      accountNo: row.accountNo,
      holder: requireText(row.holder, `${field}.holder`),
      balance: row.balance,
    };
  });
}
