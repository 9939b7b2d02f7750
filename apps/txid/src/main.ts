import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OpsServiceDefinition, TxIdServiceDefinition } from '@strife/protocol';
import { Counter, Gauge } from 'prom-client';
import {
  createLogger,
  createMetrics,
  createStrifeServer,
  loadConfig,
  loadTlsMaterial,
  onShutdownSignal,
  parseFailpoints,
  runMain,
  serveMetrics,
  StorageHealth,
  STRIFE_VERSION,
} from '@strife/runtime';
import { StorageFailure } from '@strife/sqlite';
import { IdStore } from './idStore';

runMain('txid', async () => {
  const config = loadConfig();
  const logger = createLogger({ name: 'txid', level: config.logLevel });
  mkdirSync(config.dataDir, { recursive: true });
  const failpoints = parseFailpoints(process.env.STRIFE_FAILPOINTS);
  const store = new IdStore(join(config.dataDir, 'txid.db'), () => {
    failpoints.fail('txid.store-write', { code: 'SQLITE_IOERR_WRITE' });
  });

  const tls = loadTlsMaterial(config.certsDir, 'txid');
  const metrics = createMetrics('txid', 'txid');
  const leases = new Counter({
    name: 'strife_txid_blocks_leased_total',
    help: 'Blocks of transaction ids leased to gateway instances.',
    registers: [metrics.registry],
  });
  new Gauge({
    name: 'strife_txid_high_water',
    help: 'The highest transaction id leased so far (0 before the first lease).',
    registers: [metrics.registry],
    collect() {
      this.set(Number(store.highWater()));
    },
  });
  const strife = createStrifeServer({
    logger,
    tls,
    metrics,
    policy: { 'strife.v1.TxIdService': ['gateway'], 'strife.v1.OpsService': ['monitor'] },
  });
  const storage = new StorageHealth({ health: strife.health, logger, probe: () => store.probe() });
  const startedAt = new Date();
  strife.server.add(TxIdServiceDefinition, {
    lease(request, context) {
      let block;
      try {
        block = store.lease(request.count);
      } catch (err) {
        if (err instanceof StorageFailure) storage.failed(err);
        throw err;
      }
      storage.committed();
      leases.inc();
      context.callLog.annotate({ first: block.first.toString(), count: block.count });
      return Promise.resolve(block);
    },
  });
  strife.server.add(OpsServiceDefinition, {
    getStatus: () =>
      Promise.resolve({
        service: 'txid',
        name: 'txid',
        version: STRIFE_VERSION,
        startedAt,
        serving: storage.serving,
        txid: { highWater: store.highWater() + 1n },
      }),
    lookupPayment: () => Promise.resolve({ username: '', legs: [] }),
  });

  const port = await strife.listen(config.txid.address);
  const metricsServer = config.txid.metricsAddress
    ? await serveMetrics(config.txid.metricsAddress, tls, metrics.registry, logger)
    : undefined;
  logger.info({ address: config.txid.address, port }, 'txid serving');
  onShutdownSignal(logger, async () => {
    storage.stop();
    await strife.shutdown();
    await metricsServer?.close();
    store.close();
  });
});
