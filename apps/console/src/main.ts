import {
  createLogger,
  loadConfig,
  loadTlsMaterial,
  metricsAgent,
  onShutdownSignal,
  runMain,
} from '@strife/runtime';
import { lookupPayment } from './cluster/lookup';
import { Probes } from './cluster/probes';
import { clusterTargets } from './cluster/targets';
import { consoleTls } from './config/consoleTls';
import { listenAddress } from './config/listenAddress';
import { loadAssets } from './http/assets';
import { EventHub } from './http/events';
import { route, type RouteContext } from './http/routes';
import { serveConsole } from './http/server';
import { Conservation } from './money/conservation';
import { seedTotals } from './money/seeds';
import { Poller } from './snapshot/poller';

// The operator's console: watches every service as `monitor` and serves one live page.
runMain('console', async () => {
  const config = loadConfig();
  const logger = createLogger({ name: 'console', level: config.logLevel });
  const listen = listenAddress(config);
  const monitor = loadTlsMaterial(config.certsDir, 'monitor');
  const server = listen.secure ? consoleTls(config.certsDir, listen.host) : undefined;
  if (server?.issued) logger.info({ certsDir: config.certsDir }, 'issued the console certificate');
  const conservation = new Conservation(seedTotals(config));
  const assets = loadAssets();

  const probes = new Probes(clusterTargets(config), monitor);
  const agent = metricsAgent(monitor);
  const poller = new Poller({
    probes,
    agent,
    conservation,
    inDoubtAfterMs: config.recovery.inDoubtAfterMs,
    logger,
  });
  const hub = new EventHub();
  poller.subscribe((status) => {
    hub.send('status', status);
  });
  const routes: RouteContext = {
    poller,
    hub,
    assets,
    lookup: (query) => lookupPayment(probes, query),
    onError: (err, path) => logger.error({ err, path }, 'request failed'),
  };
  const http = await serveConsole({
    listen,
    tls: server?.tls,
    beforeClose: () => hub.close(),
    handle: (request, response) => {
      route(routes, request, response);
    },
  });
  poller.start();
  logger.info(
    { url: http.url, services: probes.targets.length, tls: listen.secure },
    `console at ${http.url}`,
  );

  onShutdownSignal(logger, async () => {
    await poller.stop();
    await http.close();
    agent.destroy();
    probes.close();
  });
});
