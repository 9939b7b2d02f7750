import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type Checkpoint, Coordinator, type CoordinatorEvent } from '@strife/coordinator';
import {
  CoordinatorServiceDefinition,
  GatewayServiceDefinition,
  TxIdServiceDefinition,
} from '@strife/protocol';
import {
  createLogger,
  createStrifeChannel,
  createStrifeClient,
  createStrifeServer,
  gatewayCertName,
  gatewayFromEnv,
  type Logger,
  loadConfig,
  loadTlsMaterial,
  onShutdownSignal,
  parseFailpoints,
  runMain,
  TxIdLeaser,
} from '@strife/runtime';
import { acknowledge } from './acknowledge';
import { authMiddleware } from './auth/authMiddleware';
import { AuthService } from './auth/authService';
import { Banks } from './banks';
import { coordinatorService } from './coordinatorService';
import { gatewayService } from './gatewayService';
import { Housekeeping } from './housekeeping';
import { bankParticipant } from './payments/bankParticipant';
import { describeAbort } from './payments/abortReason';
import { PaymentService } from './payments/paymentService';
import { readiness } from './readiness';
import { importSeedUsers } from './seedUsers';
import { openStore } from './store/openStore';

/** Failpoints the gateway honours, by 2PC step (see the coordinator's checkpoints). */
const FAILPOINT_AT: Record<Checkpoint, string> = {
  INITIATED: 'gateway.after-initiated',
  VOTED: 'gateway.after-votes',
  DECIDED: 'gateway.after-decision',
  ACKED: 'gateway.after-ack',
};

runMain('gateway', async () => {
  const config = loadConfig();
  const instance = gatewayFromEnv(config);
  const { gateway } = config;
  const logger = createLogger({ name: `gateway-${instance.name}`, level: config.logLevel });
  const failpoints = parseFailpoints(process.env.STRIFE_FAILPOINTS);
  const tls = loadTlsMaterial(config.certsDir, gatewayCertName(instance.name));
  mkdirSync(config.dataDir, { recursive: true });

  const owner = { name: instance.name, incarnation: randomUUID(), leaseMs: gateway.leaseMs };
  const describe = (cause: Parameters<typeof describeAbort>[0]) =>
    describeAbort(cause, gateway.prepareTimeoutMs);
  const injectFault = (as: { code: string; severity?: string }) => {
    failpoints.fail('gateway.store-write', as);
  };
  const { store, prepare, where } = await openStore(
    config,
    { owner, describe, injectFault },
    logger,
  );

  const banks = new Banks(config, tls);
  const participants = new Map(
    [...banks.names].flatMap((name) => {
      const client = banks.client(name);
      return client ? [[name, bankParticipant(name, client, gateway)] as const] : [];
    }),
  );
  const coordinator = new Coordinator({
    log: store.decisions,
    participants: (name) => participants.get(name),
    timeouts: {
      prepareMs: gateway.prepareTimeoutMs,
      ackMs: gateway.commitTimeoutMs,
      renewMs: Math.floor(gateway.leaseMs / 3),
      takeOverMs: Math.floor(gateway.leaseMs / 2),
    },
    onEvent: (event) => logEvent(logger, event),
    checkpoint: (point) => failpoints.hit(FAILPOINT_AT[point]),
  });

  const txidChannel = createStrifeChannel(config.txid.address, { tls, expect: { role: 'txid' } });
  const txids = createStrifeClient(TxIdServiceDefinition, txidChannel, gateway.commitTimeoutMs);
  const leaser = new TxIdLeaser({ lease: (count) => txids.lease({ count }) });

  const auth = new AuthService({
    users: store.users,
    sessions: store.sessions,
    throttle: store.throttle,
    throttlePolicy: gateway.loginThrottle,
    banks: banks.names,
    sessionIdleMs: gateway.sessionIdleMs,
    sessionTtlMs: gateway.sessionTtlMs,
    openAccount: async (bank, requestId, holder, deposit) => {
      const { account } = await banks.call(bank, (c) =>
        c.openAccount({ requestId, holder, initialDeposit: deposit }),
      );
      return account?.accountNo ?? '';
    },
  });
  const payments = new PaymentService({
    store: store.payments,
    coordinator,
    nextTxid: () => leaser.next(),
    banks: banks.names,
    describe,
    waitMs: gateway.prepareTimeoutMs + gateway.commitTimeoutMs,
  });

  // Listen at once, NOT_SERVING (and every call UNAVAILABLE) until the database is prepared and
  // orphaned payments are taken over, so probes can tell "starting" from "down".
  const ready = readiness();
  const strife = createStrifeServer({
    logger,
    tls,
    policy: { 'strife.v1.GatewayService': ['client'], 'strife.v1.CoordinatorService': ['bank'] },
  });
  strife.server
    .with(ready.middleware)
    .with(acknowledge(instance.name))
    .with(authMiddleware(auth))
    .add(GatewayServiceDefinition, gatewayService(auth, payments, banks));
  strife.server
    .with(ready.middleware)
    .add(CoordinatorServiceDefinition, coordinatorService(coordinator, store.decisions));
  const port = await strife.listen(instance.address, { serving: false });
  logger.info({ instance: instance.name, address: instance.address, port }, 'gateway listening');

  const notes = await ready.retry(prepare, logger, 'the database cannot be reached yet');
  for (const note of notes) logger.info(note);
  if (config.usersFile) {
    const imported = await importSeedUsers(config.usersFile, banks.names, store.users);
    if (imported > 0) logger.info({ imported }, 'imported seed users');
  }
  const recovered = await ready.retry(
    () => coordinator.start(),
    logger,
    'cannot take over orphaned payments yet',
  );
  logger.info(
    { resumed: recovered.resumed.length, redriven: recovered.redriven.length },
    'took over orphaned payments',
  );
  auth
    .resumePending()
    .catch((err: unknown) => logger.warn({ err }, 'pending registrations wait for their bank'));
  ready.open();
  strife.health.setStatus('healthy');
  logger.info({ instance: instance.name, backend: store.backend, where }, 'gateway serving');

  const housekeeping = new Housekeeping({
    store,
    logger,
    health: strife.health,
    retentionMs: gateway.idempotencyRetentionMs,
    sessionTtlMs: gateway.sessionTtlMs,
    throttleWindowMs: gateway.loginThrottle.windowMs,
  });
  housekeeping.start();

  // Draining: refuse new calls (clients retry them on another instance), let the calls under
  // way finish, then stop the coordinator, which hands its leases to the other instances.
  onShutdownSignal(logger, async () => {
    housekeeping.stop();
    ready.close();
    await strife.shutdown();
    await coordinator.close();
    banks.close();
    txidChannel.close();
    await store.close();
  });
});

/** 2PC events with their txid: refusals loudly, decisions and retries at info, the rest at debug. */
function logEvent(logger: Logger, event: CoordinatorEvent): void {
  if (event.type === 'MAINTENANCE_FAILED') {
    logger.warn({ err: event.error, what: event.what }, '2pc maintenance failed; retrying');
    return;
  }
  const level =
    event.type === 'REFUSED'
      ? 'error'
      : event.type === 'DECIDED' ||
          event.type === 'DONE' ||
          event.type === 'RETRY' ||
          event.type === 'TAKEN_OVER' ||
          event.type === 'LOST'
        ? 'info'
        : 'debug';
  if (!logger.isLevelEnabled(level)) return;
  if (event.type === 'REFUSED') {
    const { txid, leg, decision, attempt, delayMs, error } = event;
    logger.error(
      {
        txid: txid.toString(),
        bank: leg.participant,
        leg: leg.kind,
        decision,
        attempt,
        retryInMs: delayMs,
        reason: error instanceof Error ? error.message : String(error),
      },
      `2pc REFUSED: bank ${leg.participant} refuses the ${decision} of txid ${txid} (${leg.kind}); re-sending`,
    );
    return;
  }
  logger[level]({ ...event, txid: event.txid.toString() }, `2pc ${event.type}`);
}
