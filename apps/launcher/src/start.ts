import { clusterCertSpecs, ensureCertificates, loadConfig, runMain } from '@strife/runtime';
import { Cluster } from './cluster';
import { BOLD, paint } from './logLines';

// `pnpm start [--restart]`: certificates if missing, every service as a child process with
// prefixed logs, health-checked, until Ctrl-C.
runMain('start', async () => {
  const config = loadConfig();
  const colour = process.stdout.isTTY;
  const print = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const certs = ensureCertificates(config.certsDir, clusterCertSpecs(config));
  if (certs.created.length > 0) print(`certificates created: ${certs.created.join(', ')}`);

  const cluster = new Cluster({
    config,
    colour,
    print,
    restart: process.argv.includes('--restart'),
    env: {
      STRIFE_CONFIG: config.configFile,
      STRIFE_DATA_DIR: config.dataDir,
      STRIFE_CERTS_DIR: config.certsDir,
    },
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    print('stopping…');
    cluster.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  await cluster.start();
  print(
    paint(
      BOLD,
      [
        '',
        `Strife is up: ${cluster.services.map((s) => `${s.name} ${s.address}`).join(', ')}.`,
        `Try the CLI in another terminal (seeded users are in config/seed/users.json):`,
        `  pnpm strife login --username alice --password alice-pass-1`,
        `  pnpm strife balance`,
        `  pnpm strife pay --to SBI:2001 --amount 100.00`,
        `  pnpm strife history`,
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
      colour,
    ),
  );
});
