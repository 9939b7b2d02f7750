import { formatAmount } from '@strife/domain';
import { BankServiceDefinition, type LegState } from '@strife/protocol';
import {
  createStrifeChannel,
  createStrifeClient,
  gatewayCertName,
  loadTlsMaterial,
  type StrifeConfig,
} from '@strife/runtime';
import type { Channel } from 'nice-grpc';

/** One account as its bank has it, in minor units. */
export interface AccountBooks {
  readonly balance: bigint;
  readonly held: bigint;
}

/** A bank's 2PC log entry, reduced to what the demo shows. */
export interface LegEntry {
  readonly txid: bigint;
  readonly state: LegState;
}

type BankClient = ReturnType<typeof createStrifeClient<typeof BankServiceDefinition>>;

/** Reads the banks' books directly, as a gateway does (with a gateway instance's certificate). */
export class Books {
  private readonly channels: readonly (readonly [string, Channel])[];
  private readonly clients: ReadonlyMap<string, BankClient>;

  constructor(
    config: StrifeConfig,
    /** Every account the demo shows, as `BANK:NO`. */
    private readonly accounts: readonly string[],
  ) {
    const [first] = config.gateway.instances;
    const tls = loadTlsMaterial(config.certsDir, gatewayCertName(first?.name ?? 'gateway'));
    this.channels = config.banks.map(
      (b) => [b.name, createStrifeChannel(b.address, { tls })] as const,
    );
    this.clients = new Map(
      this.channels.map(([name, channel]) => [
        name,
        createStrifeClient(BankServiceDefinition, channel),
      ]),
    );
  }

  /** Balance and held amount of `address` (`BANK:NO`). */
  async account(address: string): Promise<AccountBooks> {
    const [bank, accountNo] = address.split(':') as [string, string];
    const { account } = await this.bank(bank).getAccount({ accountNo });
    return { balance: account?.balance ?? 0n, held: account?.held ?? 0n };
  }

  /** The sum of every account's balance. */
  async total(): Promise<bigint> {
    let sum = 0n;
    for (const a of this.accounts) sum += (await this.account(a)).balance;
    return sum;
  }

  /** The latest entries of `bank`'s 2PC log. */
  async legs(bank: string): Promise<LegEntry[]> {
    const { records } = await this.bank(bank).listTransactions({
      accountNo: '',
      pageSize: 100,
      pageToken: '',
    });
    return records.map((r) => ({ txid: r.txid, state: r.state }));
  }

  /** Says every account's balance (and hold, if any) through `narrator`; returns their sum. */
  async show(narrator: { say(line: string): void }): Promise<bigint> {
    let total = 0n;
    for (const address of this.accounts) {
      const { balance, held } = await this.account(address);
      total += balance;
      const hold = held > 0n ? ` (held ${formatAmount(held)})` : '';
      narrator.say(`   ${address.padEnd(12)} ${formatAmount(balance).padStart(12)}${hold}`);
    }
    return total;
  }

  close(): void {
    for (const [, channel] of this.channels) channel.close();
  }

  private bank(name: string): BankClient {
    const client = this.clients.get(name);
    if (!client) throw new Error(`no bank ${name}`);
    return client;
  }
}
