import { join } from 'node:path';
import {
  clusterCertSpecs,
  ensureCertificates,
  loadConfig,
  repoRoot,
  runMain,
} from '@strife/runtime';
import { parseStartArgs } from './args';
import { Cluster } from './cluster';
import { BOLD, colourEnabled, colourFor, paint, RED } from './colour';
import { ConsoleChild, consoleAddress, consoleUrl } from './consoleChild';
import { formatLine } from './logLines';
import { planRun, type RunPlan } from './runPlan';

// `pnpm start [--gateways N] [--restart] [--metrics]`: certificates if missing, every service as
// a child process with prefixed logs, health-checked, then the console, until Ctrl-C.
runMain('start', async () => {
  const args = parseStartArgs(process.argv.slice(2));
  if (args.kind === 'exit') process.exit(args.code);
  const colour = colourEnabled(process.stdout);
  const print = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const plan = await planRun(loadConfig(), args.options.gateways, print, args.options.metrics);
  const { config } = plan;
  const certs = ensureCertificates(config.certsDir, clusterCertSpecs(config));
  if (certs.created.length > 0) print(`certificates created: ${certs.created.join(', ')}`);

  const shutdown = { started: false };
  /** The console, once it runs: stopped first, before the services it watches. */
  const running: { console?: ConsoleChild } = {};
  const stop = async (code: number): Promise<void> => {
    shutdown.started = true;
    print('stopping…');
    let exitCode = code;
    try {
      await running.console?.stop();
      await cluster.stop();
      await plan.close();
    } catch {
      exitCode = 1;
    }
    process.exit(exitCode);
  };
  const cluster = new Cluster({
    config,
    colour,
    print,
    restart: args.options.restart,
    onGiveUp: () => void stop(1),
    env: plan.env,
    gatewayEnv: plan.gatewayEnv,
  });
  const onSignal = (): void => {
    // A second Ctrl-C while stopping ends at once (the database still stops at exit).
    if (shutdown.started) process.exit(130);
    void stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await cluster.start();
  } catch (err) {
    if (shutdown.started) return;
    shutdown.started = true;
    await cluster.stop();
    await plan.close();
    throw err;
  }
  running.console = await startConsole(cluster, plan, colour, print);
  if (shutdown.started) await running.console?.stop();
  const url = running.console ? consoleUrl(plan.config) : undefined;
  print(paint(BOLD, upMessage(cluster, plan, url), colour));
});

/**
 * Starts the operator console with the cluster's environment, its lines prefixed `console`. The
 * payment network runs without it, so a console that cannot start is reported, not fatal.
 */
async function startConsole(
  cluster: Cluster,
  plan: RunPlan,
  colour: boolean,
  print: (line: string) => void,
): Promise<ConsoleChild | undefined> {
  const width = Math.max('console'.length, ...cluster.services.map((s) => s.name.length));
  const prefix = paint(colourFor(cluster.services.length), `${'console'.padEnd(width)} |`, colour);
  try {
    return await ConsoleChild.start({
      env: { ...process.env, ...plan.env },
      address: consoleAddress(plan.config),
      onLine: (line) => {
        print(`${prefix} ${formatLine(line, colour)}`);
      },
      onDied: (how) => {
        print(paint(RED, `!!! console died (${how}); the cluster keeps running`, colour));
      },
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    print(paint(RED, `!!! ${reason}; the cluster runs without it`, colour));
    return undefined;
  }
}

/** What is running where, and how to try it. */
function upMessage(cluster: Cluster, plan: RunPlan, console: string | undefined): string {
  const services = cluster.services.map(
    (s) => `${s.name} ${s.address} (pid ${cluster.pid(s.name) ?? '?'})`,
  );
  const several = plan.config.gateway.instances.length > 1;
  const exports = several ? [`  export STRIFE_CONFIG=${plan.config.configFile}`] : [];
  if (several && plan.config.certsDir !== join(repoRoot(), 'certs')) {
    exports.push(`  export STRIFE_CERTS_DIR=${plan.config.certsDir}`);
  }
  return [
    '',
    `Strife is up: ${services.join(', ')}.`,
    ...plan.notes,
    ...(console === undefined ? [] : [`The console: ${console}`]),
    several
      ? 'Try the CLI in another terminal (seeded users are in config/seed/users.json); it spreads its calls over every gateway instance and fails over:'
      : 'Try the CLI in another terminal (seeded users are in config/seed/users.json):',
    ...exports,
    '  pnpm strife login --username alice --password alice-pass-1',
    '  pnpm strife balance',
    '  pnpm strife pay --to SBI:2001 --amount 100.00',
    '  pnpm strife history',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
