import { readFileSync } from 'node:fs';
import { ACCOUNT_NO } from '@strife/domain';
import { ConfigError } from '@strife/runtime';
import { z } from 'zod';
import { USERNAME } from './auth/authService';
import { hashPassword } from './auth/passwords';
import type { UserStore } from './auth/userStore';

const seedUsers = z.array(
  z.strictObject({
    username: z
      .string()
      .regex(USERNAME, 'expected 3 to 32 of a-z, 0-9, _ . - starting with a letter'),
    password: z.string().min(1),
    bank: z.string().min(1),
    account_no: z.string().regex(ACCOUNT_NO, 'expected an account number'),
  }),
);

/**
 * Imports users.json on the gateway's first start (no users yet), hashing each password.
 * @throws ConfigError naming the file and field when it is malformed or names an unknown bank.
 */
export async function importSeedUsers(
  path: string,
  banks: ReadonlySet<string>,
  users: UserStore,
): Promise<number> {
  let parsed: z.infer<typeof seedUsers>;
  try {
    const result = seedUsers.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new ConfigError(
        `${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      );
    }
    parsed = result.data;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      `${path}: cannot read users: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const unknown = parsed.find((u) => !banks.has(u.bank));
  if (unknown)
    throw new ConfigError(`${path}: user ${unknown.username}: unknown bank ${unknown.bank}`);
  if (!(await users.isEmpty())) return 0;
  const hashed = await Promise.all(
    parsed.map(async (u) => ({
      username: u.username,
      passwordHash: await hashPassword(u.password),
      bank: u.bank,
      accountNo: u.account_no,
    })),
  );
  return users.importIfEmpty(hashed);
}
