import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TxIdServiceDefinition } from '@strife/protocol';
import {
  createLogger,
  createStrifeServer,
  loadConfig,
  loadTlsMaterial,
  onShutdownSignal,
  parseFailpoints,
  runMain,
} from '@strife/runtime';
import { IdStore } from './idStore';

runMain('txid', async () => {
  const config = loadConfig();
  const logger = createLogger({ name: 'txid', level: config.logLevel });
  mkdirSync(config.dataDir, { recursive: true });
  const failpoints = parseFailpoints(process.env.STRIFE_FAILPOINTS);
  const store = new IdStore(join(config.dataDir, 'txid.db'), () => {
    failpoints.fail('txid.store-write', { code: 'SQLITE_IOERR_WRITE' });
  });

  const strife = createStrifeServer({
    logger,
    tls: loadTlsMaterial(config.certsDir, 'txid'),
    policy: { 'strife.v1.TxIdService': ['gateway'] },
  });
  strife.server.add(TxIdServiceDefinition, {
    lease(request, context) {
      const block = store.lease(request.count);
      context.callLog.annotate({ first: block.first.toString(), count: block.count });
      return Promise.resolve(block);
    },
  });

  const port = await strife.listen(config.txid.address);
  logger.info({ address: config.txid.address, port }, 'txid serving');
  onShutdownSignal(logger, async () => {
    await strife.shutdown();
    store.close();
  });
});
