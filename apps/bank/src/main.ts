import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '@strife/ledger';
import {
  BankServiceDefinition,
  CoordinatorServiceDefinition,
  decisionFromWire,
  OpsServiceDefinition,
} from '@strife/protocol';
import {
  bankCertName,
  bankFromEnv,
  createLogger,
  createMetrics,
  gatewayAddresses,
  createStrifeChannel,
  createStrifeClient,
  createStrifeServer,
  loadConfig,
  loadTlsMaterial,
  onShutdownSignal,
  parseFailpoints,
  runMain,
  serveMetrics,
  StorageHealth,
} from '@strife/runtime';
import { bankMetrics, bankOpsService } from './bankOps';
import { bankService } from './bankService';
import { BANK_FAILPOINTS } from './legOperations';
import { InDoubtResolver } from './inDoubtResolver';

runMain('bank', async () => {
  const config = loadConfig();
  const bank = bankFromEnv(config);
  const failpoints = parseFailpoints(process.env.STRIFE_FAILPOINTS);
  const logger = createLogger({ name: `bank-${bank.name}`, level: config.logLevel });
  const tls = loadTlsMaterial(config.certsDir, bankCertName(bank.name));

  mkdirSync(config.dataDir, { recursive: true });
  const metrics = createMetrics('bank', bank.name);
  const strife = createStrifeServer({
    logger,
    tls,
    metrics,
    policy: { 'strife.v1.BankService': ['gateway'], 'strife.v1.OpsService': ['monitor'] },
  });
  const storage = new StorageHealth({
    health: strife.health,
    logger,
    probe: () => ledger.probe(),
  });
  const observeCommit = metrics.groupCommit('bank');
  const ledger = Ledger.open(join(config.dataDir, `bank-${bank.name}.db`), {
    beforeCommit: () => {
      failpoints.fail(BANK_FAILPOINTS.storeWrite, { code: 'SQLITE_IOERR_WRITE' });
    },
    onCommit: (writes, seconds) => {
      observeCommit(writes, seconds);
      storage.committed();
    },
    onFailure: (error) => {
      storage.failed(error);
    },
  });
  if (bank.seedFile) {
    const { imported } = ledger.importSeedCsv(bank.seedFile);
    if (imported > 0) logger.info({ imported, seed: bank.seedFile }, 'seeded new books');
  }

  let serving = false;
  strife.server.add(BankServiceDefinition, bankService(ledger, failpoints, logger));
  strife.server.add(
    OpsServiceDefinition,
    bankOpsService(bank.name, ledger, () => serving && storage.serving),
  );
  const observed = bankMetrics(metrics.registry, ledger, config.recovery.inDoubtAfterMs);

  // Any live gateway instance answers from the shared decision log.
  const gatewayChannel = createStrifeChannel(gatewayAddresses(config), {
    tls,
    expect: { role: 'gateway' },
    retry: CoordinatorServiceDefinition,
  });
  const coordinator = createStrifeClient(
    CoordinatorServiceDefinition,
    gatewayChannel,
    config.gateway.commitTimeoutMs,
  );
  const resolver = new InDoubtResolver({
    ledger,
    logger,
    inDoubtAfterMs: config.recovery.inDoubtAfterMs,
    intervalMs: config.recovery.intervalMs,
    onLegFailed: observed.resolveFailed,
    // An answer this build cannot read is InvalidArgument('decision'): that txid is skipped.
    resolve: async (txid) => {
      const { decision } = await coordinator.resolveTransaction({ txid });
      return decisionFromWire(decision);
    },
  });

  const port = await strife.listen(bank.address);
  serving = true;
  const metricsServer = bank.metricsAddress
    ? await serveMetrics(bank.metricsAddress, tls, metrics.registry, logger)
    : undefined;
  resolver.start();
  logger.info(
    { bank: bank.name, address: bank.address, port, totals: String(ledger.totals().balance) },
    'bank serving',
  );

  onShutdownSignal(logger, async () => {
    serving = false;
    storage.stop();
    await resolver.stop();
    await strife.shutdown();
    await metricsServer?.close();
    gatewayChannel.close();
    ledger.close();
  });
});
