import { mkdirSync } from 'node:fs';
import { Coordinator, type CoordinatorEvent } from '@strife/coordinator';
import { IdempotencyKeys } from '@strife/idempotency';
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
  loadConfig,
  loadTlsMaterial,
  onShutdownSignal,
  parseFailpoints,
  runMain,
  TxIdLeaser,
} from '@strife/runtime';
import { authMiddleware } from './auth/authMiddleware';
import { AuthService } from './auth/authService';
import { SqliteLoginFailures } from './auth/loginThrottle';
import { SqliteSessionStore } from './auth/sessionStore';
import { SqliteUserStore } from './auth/userStore';
import { Banks } from './banks';
import { coordinatorService } from './coordinatorService';
import { gatewayService } from './gatewayService';
import { bankParticipant } from './payments/bankParticipant';
import { paymentCodec } from './payments/payment';
import { PaymentService } from './payments/paymentService';
import { SqlitePaymentStore } from './payments/paymentStore';
import { importSeedUsers } from './seedUsers';
import { openGatewayStores } from './store/gatewayDb';

/** Failpoints the gateway honours, by 2PC step (see the coordinator's events). */
const FAILPOINT_BY_EVENT: Partial<Record<CoordinatorEvent['type'], string>> = {
  INITIATED: 'gateway.after-initiated',
  DECIDED: 'gateway.after-decision',
  ACKED: 'gateway.after-ack',
};

const HOUR_MS = 3_600_000;

runMain('gateway', async () => {
  const config = loadConfig();
  const { gateway } = config;
  const logger = createLogger({ name: 'gateway', level: config.logLevel });
  const failpoints = parseFailpoints(process.env.STRIFE_FAILPOINTS);
  const tls = loadTlsMaterial(config.certsDir, 'gateway');
  mkdirSync(config.dataDir, { recursive: true });

  const stores = openGatewayStores(config.dataDir);
  if (stores.merged.length > 0) logger.info({ files: stores.merged }, 'merged older data files');
  const { db, commits, decisions } = stores;
  const users = new SqliteUserStore(db);
  const failures = new SqliteLoginFailures(db);
  const keys = new IdempotencyKeys({
    store: stores.idempotency,
    codec: paymentCodec,
    retentionMs: gateway.idempotencyRetentionMs,
    waitMs: gateway.prepareTimeoutMs + gateway.commitTimeoutMs,
  });

  const banks = new Banks(config, tls);
  const participants = new Map(
    [...banks.names].flatMap((name) => {
      const client = banks.client(name);
      return client ? [[name, bankParticipant(client, gateway)] as const] : [];
    }),
  );
  const coordinator = new Coordinator({
    log: decisions,
    participants: (name) => participants.get(name),
    timeouts: { prepareMs: gateway.prepareTimeoutMs, ackMs: gateway.commitTimeoutMs },
    onEvent: (event) => {
      const level =
        event.type === 'DECIDED' || event.type === 'DONE' || event.type === 'RETRY'
          ? 'info'
          : 'debug';
      if (logger.isLevelEnabled(level)) {
        logger[level]({ ...event, txid: event.txid.toString() }, `2pc ${event.type}`);
      }
      const failpoint = FAILPOINT_BY_EVENT[event.type];
      if (failpoint) failpoints.hit(failpoint).catch(() => undefined);
    },
  });

  const txidChannel = createStrifeChannel(config.txid.address, { tls, expect: { role: 'txid' } });
  const txids = createStrifeClient(TxIdServiceDefinition, txidChannel, gateway.commitTimeoutMs);
  const leaser = new TxIdLeaser({ lease: (count) => txids.lease({ count }) });

  const auth = new AuthService({
    users,
    sessions: new SqliteSessionStore(db),
    failures,
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
    keys,
    store: new SqlitePaymentStore(db, commits),
    coordinator,
    decisions,
    nextTxid: () => leaser.next(),
    banks: banks.names,
    prepareTimeoutMs: gateway.prepareTimeoutMs,
    accountOf: async (username) => {
      const user = await users.find(username);
      return user?.accountNo === undefined ? undefined : `${user.bank}:${user.accountNo}`;
    },
    logger,
  });

  if (config.usersFile) {
    const imported = await importSeedUsers(config.usersFile, banks.names, users);
    if (imported > 0) logger.info({ imported }, 'imported seed users');
  }
  const recovered = await coordinator.recover();
  const orphans = await payments.recoverInFlight();
  logger.info(
    { aborted: recovered.aborted.length, redriven: recovered.redriven.length, payments: orphans },
    'recovery done',
  );
  auth
    .resumePending()
    .catch((err: unknown) => logger.warn({ err }, 'pending registrations wait for their bank'));

  const strife = createStrifeServer({
    logger,
    tls,
    policy: { 'strife.v1.GatewayService': ['client'], 'strife.v1.CoordinatorService': ['bank'] },
  });
  strife.server
    .with(authMiddleware(auth))
    .add(GatewayServiceDefinition, gatewayService(auth, payments, banks));
  strife.server.add(CoordinatorServiceDefinition, coordinatorService(coordinator, decisions));
  const port = await strife.listen(gateway.address);
  logger.info({ address: gateway.address, port }, 'gateway serving');

  // An attempt decides within the prepare timeout; one in flight far longer has failed.
  const staleMs = gateway.prepareTimeoutMs + 2 * gateway.commitTimeoutMs;
  const completer = setInterval(() => {
    payments
      .completeStale(staleMs)
      .catch((err: unknown) => logger.warn({ err }, 'completing stale payments failed'));
  }, staleMs);
  completer.unref();

  const housekeeping = setInterval(() => {
    keys.expire().catch((err: unknown) => logger.warn({ err }, 'expiring idempotency keys failed'));
    failures
      .prune(Date.now() - HOUR_MS)
      .catch((err: unknown) => logger.warn({ err }, 'pruning login failures failed'));
  }, HOUR_MS);
  housekeeping.unref();

  onShutdownSignal(logger, async () => {
    clearInterval(housekeeping);
    clearInterval(completer);
    await strife.shutdown();
    await coordinator.close();
    banks.close();
    txidChannel.close();
    stores.close();
  });
});
