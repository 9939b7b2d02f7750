import type { SeedAccount, SeedUser } from '@strife/testkit';

/** The two banks the benchmark's cluster runs; accounts alternate between them. */
export const BANKS = ['ICICI', 'SBI'] as const;

/** Every seeded account's opening balance: 1,000,000.00 INR, in paise. */
export const OPENING_BALANCE = 100_000_000n;
const OPENING_BALANCE_TEXT = '1000000.00';

/** Every seeded user's password. */
export const PASSWORD = 'bench-pass-1';

/** One seeded account and the user who owns it. */
export interface BenchAccount {
  readonly bank: string;
  readonly accountNo: string;
  /** `BANK:NO`. */
  readonly address: string;
  readonly username: string;
  readonly password: string;
}

/** Seed data for `createTestCluster`, and what the books must add up to. */
export interface BenchSeed {
  readonly accounts: readonly BenchAccount[];
  readonly banks: Readonly<Record<string, readonly SeedAccount[]>>;
  readonly users: readonly SeedUser[];
  /** Sum of every opening balance, in paise. */
  readonly total: bigint;
}

/**
 * `count` accounts alternating ICICI, SBI, ICICI, … (numbered 100001…, 200001…), each with
 * `OPENING_BALANCE` and one user `bench-<bank>-<no>` whose password is `PASSWORD`.
 */
export function benchSeed(count: number): BenchSeed {
  const accounts: BenchAccount[] = [];
  for (let i = 0; i < count; i++) {
    const bankIndex = i % BANKS.length;
    const bank = BANKS[bankIndex] ?? 'ICICI';
    const accountNo = String((bankIndex + 1) * 100_000 + Math.floor(i / BANKS.length) + 1);
    accounts.push({
      bank,
      accountNo,
      address: `${bank}:${accountNo}`,
      username: `bench-${bank.toLowerCase()}-${accountNo}`,
      password: PASSWORD,
    });
  }
  const banks: Record<string, SeedAccount[]> = {};
  for (const bank of BANKS) banks[bank] = [];
  for (const a of accounts) {
    banks[a.bank]?.push({
      accountNo: a.accountNo,
      holder: a.username,
      balance: OPENING_BALANCE_TEXT,
    });
  }
  const users = accounts.map((a) => ({
    username: a.username,
    password: a.password,
    bank: a.bank,
    account_no: a.accountNo,
  }));
  return { accounts, banks, users, total: OPENING_BALANCE * BigInt(count) };
}
