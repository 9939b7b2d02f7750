import { DependencyUnavailable, Internal } from '@strife/domain';
import { BankServiceDefinition } from '@strife/protocol';
import {
  createStrifeChannel,
  createStrifeClient,
  type StrifeConfig,
  type TlsMaterial,
} from '@strife/runtime';
import { ClientError, Status, type Channel, type Client } from 'nice-grpc';

export type BankClient = Client<typeof BankServiceDefinition, { deadline?: Date | number }>;

/** One mTLS channel and client per bank in the cluster file; each must present that bank's identity. */
export class Banks {
  readonly names: ReadonlySet<string>;
  private readonly clients = new Map<string, BankClient>();
  private readonly channels: Channel[] = [];

  constructor(config: StrifeConfig, tls: TlsMaterial) {
    for (const bank of config.banks) {
      const channel = createStrifeChannel(bank.address, {
        tls,
        expect: { role: 'bank', name: bank.name },
      });
      this.channels.push(channel);
      this.clients.set(
        bank.name,
        createStrifeClient(BankServiceDefinition, channel, config.gateway.commitTimeoutMs),
      );
    }
    this.names = new Set(this.clients.keys());
  }

  client(name: string): BankClient | undefined {
    return this.clients.get(name);
  }

  /**
   * Runs `call` against bank `name`, turning transport failures into DependencyUnavailable and
   * any other refusal (which validation upstream should have prevented) into Internal.
   */
  async call<T>(name: string, call: (client: BankClient) => Promise<T>): Promise<T> {
    const client = this.clients.get(name);
    if (!client) throw new Internal(`no bank ${name} in the cluster file`);
    try {
      return await call(client);
    } catch (err) {
      if (
        err instanceof ClientError &&
        (err.code === Status.UNAVAILABLE || err.code === Status.DEADLINE_EXCEEDED)
      ) {
        throw new DependencyUnavailable(`bank ${name} is unavailable: ${err.details}`);
      }
      throw new Internal(
        `bank ${name} refused: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  close(): void {
    this.channels.forEach((c) => c.close());
  }
}
