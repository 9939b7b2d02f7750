import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortReason, abortReasonToJSON, PaymentStatus } from '@strife/protocol';
import { ClientError, Metadata, Status } from 'nice-grpc';
import type { GatewayClient } from './cluster';
import type { BenchAccount } from './seed';
import type { Outcome, Recorder } from './stats';

/** A logged-in account: the call options that carry its session token. */
export interface Session {
  readonly account: BenchAccount;
  readonly options: { readonly metadata: Metadata };
}

/** Amounts are 1.00 to 10.00 INR, in paise: far below the balances, so nothing overdraws. */
const MIN_AMOUNT = 100;
const MAX_AMOUNT = 1000;
/** Pause after a failed call, so a dead gateway is not hammered in a tight loop. */
const ERROR_PAUSE_MS = 50;
const LOGINS_IN_PARALLEL = 4;

/**
 * Logs every account's user in once (a few at a time: each login is a scrypt hash at the
 * gateway), spreading the logins over `gateways`.
 */
export async function logInAll(
  gateways: readonly GatewayClient[],
  accounts: readonly BenchAccount[],
): Promise<Session[]> {
  const sessions: Session[] = new Array<Session>(accounts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < accounts.length) {
      const index = next++;
      const account = accounts[index];
      const gateway = gateways[index % gateways.length];
      if (!account || !gateway) continue;
      const { token } = await gateway.login({
        username: account.username,
        password: account.password,
      });
      sessions[index] = {
        account,
        options: { metadata: Metadata({ authorization: `Bearer ${token}` }) },
      };
    }
  };
  await Promise.all(Array.from({ length: LOGINS_IN_PARALLEL }, worker));
  return sessions;
}

export interface LoadOptions {
  /** One client per channel-sharing slot; client i uses `gateways[i % length]`. */
  readonly gateways: readonly GatewayClient[];
  readonly sessions: readonly Session[];
  readonly concurrency: number;
  /** Share of payments to an account at the payer's own bank. */
  readonly sameBank: number;
  readonly recorder: Recorder;
  readonly random?: () => number;
}

/**
 * `concurrency` clients, each paying in a loop with one call in flight: payer accounts rotate
 * so every session is used, the payee is at the other bank unless the same-bank share says
 * otherwise, every call has a fresh idempotency key, and each outcome and latency is recorded.
 */
export class LoadGenerator {
  private stopping = false;
  private loops: Promise<void>[] = [];
  /** Sessions by bank, and by bank the sessions at every other bank. */
  private readonly byBank = new Map<string, Session[]>();
  private readonly otherBanks = new Map<string, Session[]>();
  private readonly random: () => number;

  constructor(private readonly options: LoadOptions) {
    this.random = options.random ?? Math.random;
    for (const session of options.sessions) {
      const list = this.byBank.get(session.account.bank) ?? [];
      list.push(session);
      this.byBank.set(session.account.bank, list);
    }
    for (const bank of this.byBank.keys()) {
      const others = [...this.byBank].filter(([b]) => b !== bank).flatMap(([, list]) => list);
      this.otherBanks.set(bank, others);
    }
  }

  /** Starts every client loop. */
  start(): void {
    this.loops = Array.from({ length: this.options.concurrency }, (_, i) => this.client(i));
  }

  /** Lets each client finish its call in flight, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  private async client(index: number): Promise<void> {
    const { gateways, sessions, concurrency, recorder } = this.options;
    const gateway = gateways[index % gateways.length];
    if (!gateway || sessions.length === 0) return;
    for (let round = 0; !this.stopping; round++) {
      const payer = sessions[(index + round * concurrency) % sessions.length];
      if (!payer) return;
      const to = this.payee(payer.account);
      const amount = BigInt(MIN_AMOUNT + Math.floor(this.random() * (MAX_AMOUNT - MIN_AMOUNT + 1)));
      const started = performance.now();
      let outcome: Outcome;
      try {
        const { payment } = await gateway.pay(
          { idempotencyKey: randomUUID(), to, amount, from: '' },
          payer.options,
        );
        outcome = classify(payment?.status, payment?.abortReason);
      } catch (err) {
        outcome = { kind: 'error', status: statusName(err) };
      }
      recorder.record(outcome, performance.now() - started);
      if (outcome.kind === 'error') await sleep(ERROR_PAUSE_MS);
    }
  }

  /** A payee other than the payer: cross-bank, or same-bank with probability `sameBank`. */
  private payee(payer: BenchAccount): string {
    const same = this.random() < this.options.sameBank;
    const candidates = (same ? this.byBank : this.otherBanks).get(payer.bank) ?? [];
    for (;;) {
      const choice = candidates[Math.floor(this.random() * candidates.length)];
      if (!choice) throw new Error(`no payee for ${payer.address}`);
      if (choice.account.address !== payer.address) return choice.account.address;
    }
  }
}

function classify(status: PaymentStatus | undefined, reason: AbortReason | undefined): Outcome {
  if (status === PaymentStatus.PAYMENT_STATUS_COMMITTED) return { kind: 'committed' };
  if (status === PaymentStatus.PAYMENT_STATUS_ABORTED) {
    const name = abortReasonToJSON(reason ?? AbortReason.ABORT_REASON_UNSPECIFIED);
    return { kind: 'aborted', reason: name.replace(/^ABORT_REASON_/, '') };
  }
  return {
    kind: 'error',
    status: `answered ${status === undefined ? 'nothing' : PaymentStatus[status]}`,
  };
}

function statusName(err: unknown): string {
  if (err instanceof ClientError) return Status[err.code];
  return err instanceof Error ? `${err.name} (not a gRPC status)` : 'unknown error';
}
