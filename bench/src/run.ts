import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { finalCheck, uncheckable } from './check';
import { BenchCluster, type BankClient } from './cluster';
import { cpuBetween, machineBetween, sampleCpu, type Watched } from './cpu';
import { insideBetween, scrapeAll } from './inside';
import { LoadGenerator, logInAll } from './loadGenerator';
import { Profiler } from './profiler';
import { Progress, type ProgressStream, status } from './progress';
import { type BenchResult, loadAverage, type RunInfo, LOAD_GENERATOR } from './report';
import { benchSeed } from './seed';
import { Recorder } from './stats';
import { ThreadStateSampler } from './threadStates';

/**
 * One benchmark run: starts a fresh cluster, logs every user in, runs the load through the
 * warm-up and the measured window (sampling CPU at its edges), lets the calls in flight finish,
 * checks the books and stops the cluster (keeping its temp dir when something is wrong).
 * Progress and status lines go to `stderr`. SIGINT or SIGTERM stops the cluster and exits 128 + the signal's number.
 */
export async function runBenchmark(info: RunInfo, stderr: ProgressStream): Promise<BenchResult> {
  const options = info.options;
  const seed = benchSeed(options.accounts);
  const cluster = await BenchCluster.create(seed, options);
  const onSignal = (signal: NodeJS.Signals): void => {
    status(stderr, `${signal}: stopping the cluster`);
    void cluster.stop().finally(() => process.exit(128 + constants.signals[signal]));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let keep = false;
  try {
    const profiler = options.profile ? Profiler.create(info.date) : undefined;
    const gatewaysText =
      options.gateways === 1 ? 'the gateway' : `${options.gateways} gateway instances`;
    status(
      stderr,
      `starting txid, ICICI, SBI and ${gatewaysText} on ${options.database} (${options.accounts} accounts)…`,
    );
    await cluster.start((name) => profiler?.nodeArgs(name) ?? []);
    const gateways = cluster.gatewayClients(options.channels);
    status(stderr, `logging in ${seed.accounts.length} users…`);
    const sessions = await logInAll(gateways, seed.accounts);

    const recorder = new Recorder();
    const generator = new LoadGenerator({
      gateways,
      sessions,
      concurrency: options.concurrency,
      sameBank: options.sameBank,
      recorder,
    });
    const progress = new Progress(stderr, {
      warmupS: options.warmupS,
      durationS: options.durationS,
      committed: () => recorder.committedTotal,
    });
    const services = cluster.services.map((s) => ({ name: s.name, pid: s.process.pid }));
    const database = cluster.database;
    const watched: Watched[] = [
      ...services,
      ...(database ? [{ ...database, withChildren: true }] : []),
      { name: LOAD_GENERATOR, pid: process.pid },
    ];
    const sampler = new ThreadStateSampler(services);
    const targets = cluster.metricsTargets();
    const agent = cluster.metricsAgent();

    progress.start();
    generator.start();
    await sleep(options.warmupS * 1000);
    await profiler?.start();
    const metricsBefore = await scrapeAll(targets, agent);
    const before = sampleCpu(watched);
    recorder.openWindow();
    sampler.start();
    await sleep(options.durationS * 1000);
    const after = sampleCpu(watched);
    recorder.closeWindow();
    const metricsAfter = await scrapeAll(targets, agent);
    agent.destroy();
    const threads = sampler.stop();
    await profiler?.stop(LOAD_GENERATOR);
    progress.stop();

    status(stderr, 'window closed; letting the calls in flight finish…');
    await generator.stop();
    status(stderr, 'checking the books…');
    const banks = new Map<string, BankClient>(
      Object.keys(seed.banks).map((bank) => [bank, cluster.bankClient(bank)]),
    );
    const check = await finalCheck(banks, seed, recorder.committedTotal).catch((err: unknown) =>
      uncheckable(seed, recorder.committedTotal, err),
    );
    const deadServices = cluster.dead();
    keep = !check.ok || deadServices.length > 0;

    // The services write their profiles as they exit.
    if (profiler) await cluster.stop(keep);
    const profiles = profiler?.summaries(watched.map((w) => w.name)) ?? null;

    const windowS = (after.at - before.at) / 1000;
    const figures = recorder.figures();
    const cpu = cpuBetween(watched, before, after);
    return {
      ...info,
      windowS,
      committedPerS: figures.committed / windowS,
      attemptedPerS: figures.finished / windowS,
      figures,
      cpu,
      machineUse: machineBetween(before, after, cpu, info.machine.cores),
      threads,
      inside: insideBetween(metricsBefore.samples, metricsAfter.samples),
      insideUnread: [...metricsBefore.failed, ...metricsAfter.failed],
      loadAfter: loadAverage(),
      deadServices,
      check,
      keptDir: keep ? cluster.cluster.dir : null,
      profiles,
      profileDir: profiler?.dir ?? null,
    };
  } catch (err) {
    if (!cluster.stopped) {
      keep = true;
      status(stderr, `the cluster's logs are kept in ${cluster.cluster.dir}`);
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cluster.stop(keep);
  }
}
