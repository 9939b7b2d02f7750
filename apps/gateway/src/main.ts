import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type Checkpoint, Coordinator } from '@strife/coordinator';
import {
  CoordinatorServiceDefinition,
  GatewayServiceDefinition,
  OpsServiceDefinition,
  TxIdServiceDefinition,
} from '@strife/protocol';
import {
  createLogger,
  createMetrics,
  createStrifeChannel,
  createStrifeClient,
  createStrifeServer,
  gatewayCertName,
  gatewayFromEnv,
  loadConfig,
  loadTlsMaterial,
  onShutdownSignal,
  parseFailpoints,
  runMain,
  serveMetrics,
  STRIFE_VERSION,
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
import { logEvent } from './ops/eventLog';
import { RequestIds } from './payments/requestIds';
import { gatewayMetrics } from './ops/gatewayMetrics';
import { gatewayOpsService } from './ops/opsService';
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
  const metrics = createMetrics('gateway', instance.name);
  const { store, prepare, where } = await openStore(
    config,
    { owner, describe, injectFault, onCommit: metrics.groupCommit('gateway') },
    logger,
  );

  const banks = new Banks(config, tls);
  const requestIds = new RequestIds();
  const participants = new Map(
    [...banks.names].flatMap((name) => {
      const client = banks.client(name);
      const participant = client && bankParticipant(name, client, gateway, (t) => requestIds.of(t));
      return participant ? [[name, participant] as const] : [];
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
    onEvent: (event) => {
      logEvent(logger, event, (t) => requestIds.of(t));
      observed.onEvent(event);
    },
    checkpoint: (point) => failpoints.hit(FAILPOINT_AT[point]),
  });
  const observed = gatewayMetrics(metrics.registry, coordinator);

  const txidChannel = createStrifeChannel(config.txid.address, { tls, expect: { role: 'txid' } });
  const txids = createStrifeClient(TxIdServiceDefinition, txidChannel, gateway.commitTimeoutMs);
  const leaser = new TxIdLeaser({
    lease: async (count) => {
      const block = await txids.lease({ count });
      observed.leased();
      return block;
    },
  });

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
    requestIds,
  });

  // Listen at once, NOT_SERVING (and every call UNAVAILABLE) until the database is prepared and
  // orphaned payments are taken over, so probes can tell "starting" from "down".
  const ready = readiness();
  const strife = createStrifeServer({
    logger,
    tls,
    metrics,
    assignRequestIds: true,
    policy: {
      'strife.v1.GatewayService': ['client'],
      'strife.v1.CoordinatorService': ['bank'],
      'strife.v1.OpsService': ['monitor'],
    },
  });
  strife.server
    .with(ready.middleware)
    .with(acknowledge(instance.name))
    .with(authMiddleware(auth))
    .add(GatewayServiceDefinition, gatewayService(auth, payments, banks));
  strife.server
    .with(ready.middleware)
    .add(CoordinatorServiceDefinition, coordinatorService(coordinator, store.decisions));
  const startedAt = new Date();
  let reachable = true;
  strife.server.add(
    OpsServiceDefinition,
    gatewayOpsService({
      instance: instance.name,
      version: STRIFE_VERSION,
      startedAt,
      backend: store.backend,
      serving: () => ready.isOpen() && reachable,
      coordinator,
      decisions: store.decisions,
      ops: store.ops,
      payments: store.payments,
    }),
  );
  const port = await strife.listen(instance.address, { serving: false });
  const metricsServer = instance.metricsAddress
    ? await serveMetrics(instance.metricsAddress, tls, metrics.registry, logger)
    : undefined;
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
    onReachable: (now) => {
      reachable = now;
    },
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
    await metricsServer?.close();
    await store.close();
  });
});
