import type Database from 'better-sqlite3';
import {
  type Checkpoint,
  Coordinator,
  type CoordinatorEvent,
  type DecisionLog,
  type Participant,
} from '@strife/coordinator';
import { NotAuthorized, StrifeError } from '@strife/domain';
import type { CallLog } from '@strife/runtime';
import { describeAbort } from 'gateway/dist/payments/abortReason';
import { PaymentService } from 'gateway/dist/payments/paymentService';
import { attachSqliteStore } from 'gateway/dist/store/sqlite/openSqliteStore';
import { NodeClock } from '../engine/clock';
import { Incarnation } from '../engine/incarnation';
import { decisionLogFor } from '../mutations';
import type { Request, Response } from '../net/messages';
import type { SimNode, World } from '../world/context';
import { bankParticipant } from './bankParticipant';
import { describeEvent } from './events';

const NO_LOG: CallLog = { annotate: () => undefined };

/** A promise that never settles: the rest of a crashed life's work. */
const never = new Promise<never>(() => undefined);

/** What one life of a gateway instance serves with. */
interface Serving {
  readonly payments: PaymentService;
  readonly coordinator: Coordinator;
  readonly decisions: DecisionLog;
}

/**
 * A gateway instance: the real SQLite gateway store (`attachSqliteStore`, its own group commit
 * and owner) on the database all instances share, the real `Coordinator` and the real
 * `PaymentService`. A life starts as `main.ts` does — stores, then `coordinator.start()` (which
 * takes over what is orphaned, its own earlier lives' work first), then serving — and a crash ends
 * it anywhere: queued writes are lost, timers and replies never come.
 */
export class GatewayNode implements SimNode {
  private life: Incarnation | undefined;
  private clock: NodeClock | undefined;
  private lives = 0;

  constructor(
    readonly name: string,
    private readonly db: Database.Database,
    private readonly world: World,
  ) {}

  get alive(): boolean {
    return this.life?.alive ?? false;
  }

  /** Whether `incarnation` (`gw1.2`) is this instance's current life, and alive. */
  isLive(incarnation: string): boolean {
    return this.life?.id === incarnation && this.life.alive;
  }

  /** This instance's clock, in ms since the epoch; undefined before its first start. */
  now(): number | undefined {
    return this.clock?.now();
  }

  start(): void {
    if (this.alive) return;
    const life = new Incarnation(this.name, ++this.lives);
    const { world } = this;
    const clock = new NodeClock(world.scheduler, life, world.config.skewMs[this.name] ?? 0);
    this.life = life;
    this.clock = clock;
    world.trace.add(`${life.id} starting`, this.name);
    this.boot(life, clock).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      world.monitor.violation('unexpected-error', `${life.id} failed to start: ${message}`, [
        this.name,
      ]);
    });
  }

  crash(): void {
    if (this.life === undefined || !this.life.alive) return;
    this.life.kill();
    this.world.trace.add(`${this.life.id} crashed`, this.name);
  }

  private async boot(life: Incarnation, clock: NodeClock): Promise<void> {
    const { world } = this;
    const { config } = world;
    const timing = config.gateway;
    const describe = (cause: Parameters<typeof describeAbort>[0]) =>
      describeAbort(cause, timing.prepareMs);
    const { store } = await attachSqliteStore(this.db, {
      owner: { name: this.name, incarnation: life.id, leaseMs: timing.leaseMs },
      describe,
      now: clock.now,
      scheduler: clock.commits({
        latency: () => world.storage.between(0, config.fsyncMaxMs),
        committed: () => {
          if (world.crashes.strikes(config.faults.crashAfterCommit)) {
            world.crashes.crash(this, `after a commit of ${life.id}`);
          }
        },
      }),
    });
    if (life.ended()) return;
    const deadlineMs = Math.max(2 * timing.prepareMs, timing.ackMs);
    const participants = new Map<string, Participant>(
      config.banks.map((b) => [b.name, bankParticipant(life, b.name, world.rpc, deadlineMs)]),
    );
    const decisions = decisionLogFor(world.mutation, store.decisions, this.db);
    const coordinator = new Coordinator({
      log: decisions,
      participants: (name) => participants.get(name),
      timeouts: timing,
      clock,
      random: world.stream(life.id).next,
      onEvent: (event) => {
        this.observe(life, event);
      },
      checkpoint: (point) => this.checkpoint(life, point),
    });
    const payments = new PaymentService({
      store: store.payments,
      coordinator,
      nextTxid: () => Promise.resolve(world.nextTxid()),
      banks: new Set(config.banks.map((b) => b.name)),
      describe,
      waitMs: timing.waitMs,
      now: clock.now,
      timer: clock.timer,
    });
    const report = await coordinator.start();
    if (life.ended()) return;
    if (world.trace.on) {
      world.trace.add(
        `${life.id} serving; took over ${report.resumed.length} undecided, ` +
          `${report.redriven.length} decided`,
        this.name,
        ...[...report.resumed, ...report.redriven].map((txid) => `tx:${txid}`),
      );
    }
    const serving: Serving = { payments, coordinator, decisions };
    world.rpc.serve(life, (request, from) => this.handle(serving, request, from));
  }

  private async handle(serving: Serving, request: Request, from: string): Promise<Response> {
    try {
      switch (request.kind) {
        case 'pay': {
          const payment = await serving.payments.pay(request.user, request.input, NO_LOG);
          return { kind: 'payment', payment };
        }
        case 'resolve':
          return { kind: 'decision', decision: await this.resolve(serving, request, from) };
        case 'leg':
          return { kind: 'refused', code: 'UNIMPLEMENTED', message: 'a gateway holds no legs' };
      }
    } catch (error) {
      if (error instanceof StrifeError) {
        return { kind: 'refused', code: error.code, message: error.message };
      }
      const message = error instanceof Error ? error.message : String(error);
      this.world.monitor.violation('unexpected-error', `${this.name} threw: ${message}`, [
        this.name,
      ]);
      return { kind: 'refused', code: 'INTERNAL', message };
    }
  }

  /**
   * ResolveTransaction, as `apps/gateway/src/coordinatorService.ts` answers it: a bank may ask
   * only about transactions it takes part in; the answer is the coordinator's (presumed abort).
   */
  private async resolve(
    serving: Serving,
    request: Extract<Request, { kind: 'resolve' }>,
    from: string,
  ): Promise<'COMMIT' | 'ABORT'> {
    const record = await serving.decisions.get(request.txid);
    if (record && record.legs.length > 0 && !record.legs.some((l) => l.participant === from)) {
      throw new NotAuthorized(`bank ${from} takes no part in txid ${request.txid}`);
    }
    // Presumed commit answers COMMIT even for a txid never logged.
    if (record === undefined && this.world.mutation === 'presumed-commit') return 'COMMIT';
    return serving.coordinator.resolve(request.txid);
  }

  private observe(life: Incarnation, event: CoordinatorEvent): void {
    const { world } = this;
    world.stats.count(`coordinator ${event.type}`);
    if (event.txid !== undefined) {
      if (event.type === 'DECIDED') world.monitor.touch(event.txid);
      if (world.trace.on)
        world.trace.add(`${life.id} ${describeEvent(event)}`, this.name, `tx:${event.txid}`);
    }
    if (event.type === 'REFUSED') {
      world.monitor.violation(
        'unexpected-error',
        `${event.leg.participant} refused ${event.decision} of tx ${event.txid}: ${String(event.error)}`,
        [this.name, event.leg.participant, `tx:${event.txid}`],
      );
    }
    if (event.type === 'MAINTENANCE_FAILED') {
      world.monitor.violation('unexpected-error', `${life.id} ${event.what} failed`, [this.name]);
    }
  }

  /** A coordinator checkpoint: where the nemesis may crash the instance between two steps. */
  private checkpoint(life: Incarnation, point: Checkpoint): Promise<void> {
    if (!life.alive) return never;
    if (!this.world.crashes.strikes(this.world.config.faults.crashAtCheckpoint)) {
      return Promise.resolve();
    }
    this.world.crashes.crash(this, `at checkpoint ${point}`);
    return never;
  }
}
