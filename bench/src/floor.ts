import { fork, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStrifeChannel, createStrifeClient, HealthDefinition } from '@strife/runtime';
import { createTestCluster } from '@strife/testkit';
import { ClientError, Status, type Channel } from 'nice-grpc';
import { cpuBetween, type CpuUse, machineBetween, type MachineUse, sampleCpu } from './cpu';
import { Progress, type ProgressStream, status } from './progress';
import { loadAverage, machineLine, runLines, type RunInfo, LOAD_GENERATOR } from './report';
import { type LatencySummary, summarize } from './stats';

const SERVER = 'server';
const START_TIMEOUT_MS = 15_000;
const CALL_DEADLINE_MS = 15_000;
const STOP_GRACE_MS = 5_000;
/** Pause after a failed call, so a dead server is not hammered in a tight loop. */
const ERROR_PAUSE_MS = 50;

/** What one call costs in CPU, per process and in all, and the rate that cost allows. */
export interface CallCost {
  /** CPU milliseconds per answered call, by process name. */
  readonly byProcess: readonly { readonly name: string; readonly ms: number | null }[];
  /** Both ends together; null when a process's CPU could not be read. */
  readonly totalMs: number | null;
  /** Calls per second `cores` could carry if they did nothing but this: cores / totalMs. */
  readonly ceilingPerS: number | null;
}

/** Every figure of a `--floor` run; `--json` prints this object. */
export interface FloorResult extends RunInfo {
  readonly windowS: number;
  readonly callsPerS: number;
  readonly latency: LatencySummary;
  /** Failed calls by gRPC status name. */
  readonly errorsByStatus: Readonly<Record<string, number>>;
  readonly cpu: readonly CpuUse[];
  readonly cost: CallCost;
  readonly machineUse: MachineUse;
  readonly loadAfter: readonly number[];
}

/** CPU per call from each process's CPU seconds over a window in which `calls` were answered. */
export function callCost(cpu: readonly CpuUse[], calls: number, cores: number): CallCost {
  const byProcess = cpu.map((c) => ({
    name: c.name,
    ms: c.cpuSeconds === null || calls === 0 ? null : (c.cpuSeconds * 1000) / calls,
  }));
  const known = byProcess.every((p) => p.ms !== null);
  const totalMs = known ? byProcess.reduce((sum, p) => sum + (p.ms ?? 0), 0) : null;
  return {
    byProcess,
    totalMs,
    ceilingPerS: totalMs === null || totalMs === 0 ? null : (cores * 1000) / totalMs,
  };
}

/**
 * `pnpm bench --floor`: what a unary call over Strife's mTLS gRPC stack costs on this machine
 * with nothing behind it, the lower bound of a Pay. A server process answers `grpc.health.v1`
 * Check through the same plumbing as every Strife service; this process calls it as the load
 * generator calls Pay (same channels, concurrency, client certificate and deadline) and
 * measures calls/s, latency and the CPU both ends spend per call. SIGINT or SIGTERM stops the
 * server and exits 128 + the signal's number.
 */
export async function runFloor(info: RunInfo, stderr: ProgressStream): Promise<FloorResult> {
  const options = info.options;
  const cluster = await createTestCluster({});
  let server: ChildProcess | undefined;
  const channels: Channel[] = [];
  const onSignal = (signal: NodeJS.Signals): void => {
    status(stderr, `${signal}: stopping the floor server`);
    void (server === undefined ? Promise.resolve() : stop(server)).finally(() => {
      cluster.remove();
      process.exit(128 + constants.signals[signal]);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    status(stderr, 'starting the floor server…');
    server = fork(join(__dirname, 'floorServer.js'), [cluster.certsDir], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const port = await portOf(server);
    const tls = cluster.tls('client');
    const clients = Array.from({ length: options.channels }, () => {
      const channel = createStrifeChannel(`127.0.0.1:${port}`, { tls });
      channels.push(channel);
      return createStrifeClient(HealthDefinition, channel, CALL_DEADLINE_MS);
    });

    const latencies: number[] = [];
    const errors = new Map<string, number>();
    let answered = 0;
    let measuring = false;
    let stopping = false;
    const loop = async (index: number): Promise<void> => {
      const client = clients[index % clients.length];
      if (client === undefined) return;
      while (!stopping) {
        const started = performance.now();
        try {
          await client.check({ service: '' });
          answered++;
          if (measuring) latencies.push(performance.now() - started);
        } catch (err) {
          const name = err instanceof ClientError ? Status[err.code] : 'not a gRPC status';
          if (measuring) errors.set(name, (errors.get(name) ?? 0) + 1);
          await sleep(ERROR_PAUSE_MS);
        }
      }
    };

    const pid = server.pid ?? -1;
    const watched = [
      { name: SERVER, pid },
      { name: LOAD_GENERATOR, pid: process.pid },
    ];
    const progress = new Progress(stderr, {
      warmupS: options.warmupS,
      durationS: options.durationS,
      committed: () => answered,
      label: 'answered',
    });
    progress.start();
    const loops = Array.from({ length: options.concurrency }, (_, i) => loop(i));
    await sleep(options.warmupS * 1000);
    const before = sampleCpu(watched);
    measuring = true;
    await sleep(options.durationS * 1000);
    const after = sampleCpu(watched);
    measuring = false;
    stopping = true;
    progress.stop();
    await Promise.all(loops);

    const windowS = (after.at - before.at) / 1000;
    const cpu = cpuBetween(watched, before, after);
    return {
      ...info,
      windowS,
      callsPerS: latencies.length / windowS,
      latency: summarize(latencies),
      errorsByStatus: Object.fromEntries(errors),
      cpu,
      cost: callCost(cpu, latencies.length, info.machine.cores),
      machineUse: machineBetween(before, after, cpu, info.machine.cores),
      loadAfter: loadAverage(),
    };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    for (const channel of channels) channel.close();
    if (server !== undefined) await stop(server);
    cluster.remove();
  }
}

/** The lines printed before a `--floor` run starts. */
export function formatFloorHeader(info: RunInfo): string {
  const o = info.options;
  const load = o.sequential
    ? 'sequential: one client, one call at a time'
    : `${o.concurrency} clients on ${o.channels} channels`;
  return [
    `Strife transport floor  ${info.date}`,
    ...runLines(info),
    `server    one process: Strife's gRPC server (mTLS, peer-role check, call logging at warn,`,
    `          error table) answering grpc.health.v1 Check with nothing behind it`,
    `load      ${load}, client certificate, as Pay is called`,
    `window    ${o.durationS} s after ${o.warmupS} s warm-up`,
    '',
  ].join('\n');
}

/** The results of a `--floor` run. */
export function formatFloorResult(r: FloorResult): string {
  const s = r.latency;
  const cell = (v: number | null): string => (v === null ? '-' : v.toFixed(2)).padStart(8);
  const errors = Object.entries(r.errorsByStatus);
  const ms = (v: number | null): string => (v === null ? '?' : v.toFixed(3)).padStart(10);
  const ceiling = r.cost.ceilingPerS === null ? '?' : r.cost.ceilingPerS.toFixed(0);
  return (
    [
      `throughput  ${r.callsPerS.toFixed(1)} calls/s over ${r.windowS.toFixed(1)} s`,
      `latency ms  ${['p50', 'p90', 'p99', 'max', 'mean'].map((h) => h.padStart(8)).join('')}`,
      `  answered  ${[s.p50, s.p90, s.p99, s.max, s.mean].map(cell).join('')}   (${s.count} calls)`,
      `errors      ${errors.length === 0 ? 'none' : errors.map(([name, n]) => `${name} ${n}`).join(', ')}`,
      `CPU${'% of a core'.padStart(25)}${'ms per call'.padStart(12)}`,
      ...r.cpu.map((c, i) => {
        const share = c.percentOfCore === null ? '?' : `${c.percentOfCore.toFixed(1)}%`;
        return `  ${c.name.padEnd(16)}${share.padStart(10)}${ms(r.cost.byProcess[i]?.ms ?? null)}`;
      }),
      `  ${'both ends'.padEnd(16)}${''.padStart(10)}${ms(r.cost.totalMs)}  = at most ${ceiling} calls/s on ${r.machine.cores} cores doing nothing else`,
      machineLine(r.machineUse, r.loadAfter),
    ].join('\n') + '\n'
  );
}

/** The port the floor server reports over IPC once it listens. */
function portOf(server: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the floor server did not listen within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    server.once('message', (port) => {
      clearTimeout(timer);
      if (typeof port === 'number') resolve(port);
      else reject(new Error(`the floor server sent ${JSON.stringify(port)}, not a port`));
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the floor server exited (code ${code}) before it listened`));
    });
  });
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.kill('SIGKILL'), STOP_GRACE_MS);
    server.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.kill('SIGTERM');
  });
}
