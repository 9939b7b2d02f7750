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

/** A seeded user: already ACTIVE, with an account the bank's seed data opened. */
export type SeedUserRecord = Omit<User, 'state' | 'openRequestId' | 'initialDeposit'>;

/** Users. Usernames are unique by a database constraint, across every gateway instance. */
export interface UserStore {
  /** Inserts a PENDING user; false when the name is taken. */
  reserve(user: Omit<User, 'state' | 'accountNo'>): Promise<boolean>;
  activate(username: string, accountNo: string): Promise<void>;
  find(username: string): Promise<User | undefined>;
  /** Every PENDING user, oldest first. */
  pending(): Promise<User[]>;
  isEmpty(): Promise<boolean>;
  /** Imports ACTIVE users only when there are no users at all; returns how many. */
  importIfEmpty(users: readonly SeedUserRecord[]): Promise<number>;
}
