import type Database from 'better-sqlite3';
import type { Decision } from '@strife/coordinator';
import { backoffDelay } from '@strife/domain';
import { Ledger, type LegRecord } from '@strife/ledger';
import type { CallLog, Failpoints } from '@strife/runtime';
import { InDoubtResolver } from 'bank/dist/inDoubtResolver';
import { legOperations, type LegOperations } from 'bank/dist/legOperations';
import { NodeClock } from '../engine/clock';
import { Incarnation } from '../engine/incarnation';
import type { Random } from '../engine/random';
import { booksFor } from '../mutations';
import { operationTxid, type Request, type Response } from '../net/messages';
import type { SimNode, World } from '../world/context';
import { type ErrorLogger, errorLogger } from './logger';

const NO_LOG: CallLog = { annotate: () => undefined };

/** A promise that never settles: the rest of a crashed life's work. */
const never = new Promise<never>(() => undefined);

/**
 * A bank: the real `Ledger` on its in-memory books, served by the real `legOperations` of
 * `apps/bank` (failpoints, group commit, errors as results), and the real `InDoubtResolver` asking
 * the gateway instances about legs left PREPARED. A crash ends the life: its queued writes never
 * commit, and the next life opens a new `Ledger` on the same connection, seeing exactly what
 * committed.
 */
export class BankNode implements SimNode {
  private life: Incarnation | undefined;
  private lives = 0;
  /** Txids whose operations wait in the current life's group commit. */
  private queued = new Set<bigint>();
  private readonly random: Random;
  /** Reports every error line the bank's code logs (a pino logger is costly to create per life). */
  private readonly errors: ErrorLogger;

  constructor(
    readonly name: string,
    private readonly db: Database.Database,
    private readonly world: World,
    /** The seed accounts, imported at the first start only (as `importSeedCsv` does). */
    private readonly seed: readonly { readonly accountNo: string; readonly balance: bigint }[],
  ) {
    this.random = world.stream(name);
    this.errors = errorLogger((message) => {
      world.monitor.violation('unexpected-error', `${this.life?.id ?? name} logged: ${message}`, [
        name,
      ]);
    });
  }

  get alive(): boolean {
    return this.life?.alive ?? false;
  }

  start(): void {
    if (this.alive) return;
    const life = new Incarnation(this.name, ++this.lives);
    this.life = life;
    this.queued = new Set();
    const { world } = this;
    const clock = new NodeClock(world.scheduler, life, world.config.skewMs[this.name] ?? 0);
    const ledger = Ledger.attach(this.db, {
      clock: clock.now,
      scheduler: clock.commits({
        latency: () => world.storage.between(0, world.config.fsyncMaxMs),
        committed: () => {
          this.committed(life);
        },
      }),
    });
    ledger.importSeed(this.seed.map((a) => ({ ...a, holder: `holder of ${a.accountNo}` })));
    const { logger } = this.errors;
    const failpoints: Failpoints = {
      hit: (name) => this.failpoint(life, name),
      fail: () => undefined,
    };
    const operations = legOperations(booksFor(world.mutation, ledger, this.db), failpoints, logger);
    world.rpc.serve(life, (request) => this.handle(operations, request));
    const resolver = new InDoubtResolver({
      ledger: this.resolvable(ledger),
      resolve: (txid) => this.ask(life, txid),
      logger,
      inDoubtAfterMs: world.config.bank.inDoubtAfterMs,
      intervalMs: world.config.bank.intervalMs,
      maxBackoffMs: world.config.bank.maxBackoffMs,
    });
    world.trace.add(`${life.id} started`, this.name);
    world.scheduler.after(
      0,
      () => {
        this.resolveLoop(life, resolver, 0);
      },
      life,
    );
  }

  /** The world is done: gives its logger back. */
  close(): void {
    this.errors.release();
  }

  crash(): void {
    if (this.life === undefined || !this.life.alive) return;
    this.life.kill();
    this.world.trace.add(`${this.life.id} crashed`, this.name);
  }

  private async handle(operations: LegOperations, request: Request): Promise<Response> {
    if (request.kind !== 'leg') {
      return {
        kind: 'refused',
        code: 'UNIMPLEMENTED',
        message: `a bank serves no ${request.kind}`,
      };
    }
    this.queued.add(operationTxid(request.operation));
    return { kind: 'leg', result: await operations.apply(request.operation, NO_LOG) };
  }

  /** A batch of this life committed: the txids it may have changed are checked after this step. */
  private committed(life: Incarnation): void {
    for (const txid of this.queued) this.world.monitor.touch(txid);
    this.queued.clear();
    this.world.monitor.booksChanged(this.name);
    if (this.world.crashes.strikes(this.world.config.faults.crashAfterCommit)) {
      this.world.crashes.crash(this, `after a commit of ${life.id}`);
    }
  }

  /** A failpoint of `legOperations`: where the nemesis may crash the bank mid-operation. */
  private failpoint(life: Incarnation, name: string): Promise<void> {
    if (!life.alive) return never;
    if (!this.world.crashes.strikes(this.world.config.faults.crashAtFailpoint)) {
      return Promise.resolve();
    }
    this.world.crashes.crash(this, `at ${name}`);
    return never;
  }

  /** The resolver's view of the books: its synchronous commits and aborts are checked too. */
  private resolvable(ledger: Ledger): Pick<Ledger, 'inDoubt' | 'commit' | 'abort'> {
    const { monitor } = this.world;
    return {
      inDoubt: (olderThanMs: number): LegRecord[] => ledger.inDoubt(olderThanMs),
      commit: (txid, leg) => {
        const state = ledger.commit(txid, leg);
        this.world.stats.count('in-doubt legs committed');
        this.world.trace.add(
          `${this.name} in doubt: committed ${txid}-${leg}`,
          this.name,
          `tx:${txid}`,
        );
        monitor.touch(txid);
        monitor.booksChanged(this.name);
        return state;
      },
      abort: (txid, leg) => {
        const state = ledger.abort(txid, leg);
        this.world.stats.count('in-doubt legs aborted');
        this.world.trace.add(
          `${this.name} in doubt: aborted ${txid}-${leg}`,
          this.name,
          `tx:${txid}`,
        );
        monitor.touch(txid);
        monitor.booksChanged(this.name);
        return state;
      },
    };
  }

  /** ResolveTransaction to one of the gateway instances (the bank's channel balances over them). */
  private async ask(life: Incarnation, txid: bigint): Promise<Decision> {
    const gateway = this.random.pick(this.world.config.gateways);
    const timeoutMs = this.world.config.bank.resolveTimeoutMs;
    const request = { kind: 'resolve', bank: this.name, txid } as const;
    const response = await this.world.rpc.call(life, gateway, request, { timeoutMs });
    if (response.kind === 'decision') return response.decision;
    // A server error reaches the bank as a gRPC ClientError, not a domain error: the pass stops.
    throw new Error(response.kind === 'refused' ? response.message : `answered ${response.kind}`);
  }

  /**
   * Passes of the resolver, as `InDoubtResolver.start` runs them but on simulated time: one at
   * start, then every `intervalMs`, backing off (jittered, doubling) while the gateway cannot be
   * asked.
   */
  private resolveLoop(life: Incarnation, resolver: InDoubtResolver, failures: number): void {
    const { intervalMs, maxBackoffMs } = this.world.config.bank;
    const next = (delayMs: number, failed: number): void => {
      this.world.scheduler.after(
        delayMs,
        () => {
          this.resolveLoop(life, resolver, failed);
        },
        life,
      );
    };
    resolver.runOnce().then(
      () => {
        next(intervalMs, 0);
      },
      () => {
        const delay = backoffDelay(
          failures + 2,
          { initialMs: intervalMs, maxMs: maxBackoffMs },
          this.random.next,
        );
        next(delay, failures + 1);
      },
    );
  }
}
