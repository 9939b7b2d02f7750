import { cpus, loadavg } from 'node:os';
import { formatAmount } from '@strife/domain';
import type { CheckResult } from './check';
import type { CpuUse, MachineUse } from './cpu';
import type { InsideRow } from './inside';
import type { BenchOptions } from './options';
import { formatSummary } from './profile';
import type { ProcessProfile } from './profiler';
import type { LatencySummary, WindowFigures } from './stats';
import type { ThreadStates } from './threadStates';

/** The name the load generator's own process is measured under. */
export const LOAD_GENERATOR = 'load generator';

/** Where the run happened. */
export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly node: string;
}

/** What is known before the run: the header. */
export interface RunInfo {
  readonly date: string;
  readonly command: string;
  readonly machine: Machine;
  readonly options: BenchOptions;
  readonly serviceLogLevel: string;
  readonly loadBefore: readonly number[];
}

/** Every figure of one run; `--json` prints this object. */
export interface BenchResult extends RunInfo {
  /** Seconds the window actually lasted. */
  readonly windowS: number;
  readonly committedPerS: number;
  readonly attemptedPerS: number;
  readonly figures: WindowFigures;
  /** Per process: txid, each bank, the gateway and the load generator itself. */
  readonly cpu: readonly CpuUse[];
  readonly machineUse: MachineUse;
  /** How each service's main thread spent the window: running, blocked on disk, idle. */
  readonly threads: readonly ThreadStates[];
  /** Each service's own timings of the steps it finished in the window (its histograms). */
  readonly inside: readonly InsideRow[];
  /** Services whose metrics could not be read at an edge of the window, with why. */
  readonly insideUnread: readonly string[];
  readonly loadAfter: readonly number[];
  /** Services that died during the run. */
  readonly deadServices: readonly string[];
  readonly check: CheckResult;
  /** The cluster's temp dir, kept (with logs and books) when the check failed. */
  readonly keptDir: string | null;
  /** With `--profile`: where each process spent its CPU in the window, and the files. */
  readonly profiles: readonly ProcessProfile[] | null;
  readonly profileDir: string | null;
}

/** This machine. */
export function machine(): Machine {
  return { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
}

/** The 1-, 5- and 15-minute load averages, rounded. */
export function loadAverage(): number[] {
  return loadavg().map((n) => Math.round(n * 100) / 100);
}

/** The lines printed before the run starts. */
export function formatHeader(info: RunInfo): string {
  const o = info.options;
  const mode = o.sequential
    ? 'sequential: one client, one payment at a time'
    : `${o.concurrency} clients on ${o.channels} channels`;
  const crossBank = Math.round((1 - o.sameBank) * 100);
  const gateways = o.gateways === 1 ? 'gateway' : `${o.gateways} gateway instances`;
  const state =
    o.database === 'postgres'
      ? 'gateway state on a private PostgreSQL (fsync=on, synchronous_commit=on), its CPU counted as postgres'
      : 'gateway state on SQLite';
  return [
    `Strife benchmark  ${info.date}`,
    ...runLines(info),
    `cluster   txid, ICICI, SBI, ${gateways} as processes; every party durable (SQLite WAL, synchronous=FULL); ${state}`,
    `logging   services at LOG_LEVEL=${info.serviceLogLevel}: at info every call logs a line, a measurable cost`,
    `load      ${mode}; ${o.accounts} accounts; ${crossBank}% cross-bank; amounts 1.00-10.00`,
    `window    ${o.durationS} s after ${o.warmupS} s warm-up`,
    '',
  ].join('\n');
}

/** The results, after the run. */
export function formatResult(r: BenchResult): string {
  const f = r.figures;
  const lines = [
    `throughput  ${r.committedPerS.toFixed(1)} committed/s  (${r.attemptedPerS.toFixed(1)} attempted/s over ${r.windowS.toFixed(1)} s)`,
    `payments    ${f.committed} committed, ${f.aborted} aborted, ${f.errors} errors`,
    `latency ms  ${['p50', 'p90', 'p99', 'max', 'mean'].map((h) => h.padStart(8)).join('')}`,
    `  committed ${latencyRow(f.latencyCommitted)}`,
    `  all       ${latencyRow(f.latencyAll)}`,
    `aborts      ${counts(f.abortsByReason)}`,
    `errors      ${counts(f.errorsByStatus)}`,
    `CPU${'CPU s'.padStart(23)}${'% of a core'.padStart(13)}${'main thread'.padStart(13)}${'ms/payment'.padStart(12)}  (main thread: the event loop)`,
    ...r.cpu.map(
      (c) =>
        `  ${c.name.padEnd(16)}${seconds(c.cpuSeconds)}${percent(c.percentOfCore)}${percent(c.mainThreadPercent)}${perPayment(c.cpuSeconds, f.committed)}`,
    ),
    `  ${'all of these'.padEnd(16)}${''.padStart(8)}${percent(sumPercent(r.cpu))}  of ${r.machine.cores * 100}%`,
    `  ${'servers'.padEnd(16)}${''.padStart(34)}${perPayment(serverSeconds(r.cpu), f.committed)}  (every process but the load generator)`,
    `event loop${'running'.padStart(16)}${'disk wait'.padStart(13)}${'idle'.padStart(13)}  (main thread state every 20 ms: running = on a CPU or waiting for one)`,
    ...r.threads.map(
      (t) => `  ${t.name.padEnd(16)}${share(t.running, 8)}${share(t.disk, 13)}${share(t.idle, 13)}`,
    ),
    ...insideLines(r.inside, r.insideUnread, f.committed),
    machineLine(r.machineUse, r.loadAfter),
  ];
  if (r.profiles !== null) lines.push(...profileLines(r.profiles, r.profileDir ?? ''));
  if (r.deadServices.length > 0) lines.push(`DIED        ${r.deadServices.join(', ')}`);
  lines.push(...checkLines(r.check));
  if (r.keptDir) lines.push(`kept        ${r.keptDir} (logs and books)`);
  return lines.join('\n') + '\n';
}

/**
 * Where a payment's time goes inside the services: each step's count per committed payment and
 * its mean duration, from the services' own histograms (a step's time includes the steps it
 * waits on, e.g. `Pay` includes `2PC prepare`).
 */
function insideLines(
  rows: readonly InsideRow[],
  unread: readonly string[],
  committed: number,
): string[] {
  if (rows.length === 0 && unread.length === 0) return [];
  const perPayment = (n: number) => (committed > 0 ? (n / committed).toFixed(2) : '-');
  return [
    `inside${'step'.padStart(14)}${'per payment'.padStart(26)}${'mean ms'.padStart(10)}  (each service's own histograms over the window)`,
    ...rows.map(
      (row) =>
        `  ${row.service.padEnd(16)}${row.step.padEnd(20)}${perPayment(row.count).padStart(10)}${row.meanMs.toFixed(2).padStart(10)}` +
        (row.writesPerCommit === undefined
          ? ''
          : `  (${row.writesPerCommit.toFixed(1)} writes each)`),
    ),
    ...unread.map((why) => `  not read: ${why}`),
  ];
}

/** The command and the machine it ran on, for a run's header. */
export function runLines(info: RunInfo): string[] {
  return [
    `command   ${info.command}`,
    `machine   ${info.machine.cores} cores, ${info.machine.cpu}, Node ${info.machine.node}, load ${info.loadBefore.join(' ')}`,
  ];
}

/** How busy the machine was over the window, and how much of that was not ours. */
export function machineLine(use: MachineUse, loadAfter: readonly number[]): string {
  const busy = use.busyPercent === null ? '?' : use.busyPercent.toFixed(0);
  const others = use.otherCores === null ? '?' : use.otherCores.toFixed(2);
  return `machine     ${busy}% of all cores busy; others used ${others} cores; load ${loadAfter.join(' ')}`;
}

/** A result as one JSON object: bigints as strings, fractions to three decimals. */
export function toJson(r: object): string {
  return JSON.stringify(r, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && !Number.isInteger(value))
      return Math.round(value * 1000) / 1000;
    return value;
  });
}

function profileLines(profiles: readonly ProcessProfile[], dir: string): string[] {
  return [
    `profile     self time by component over the window, then the heaviest functions; files in ${dir}`,
    ...profiles.flatMap((p) =>
      p.summary === null
        ? [`  ${p.name.padEnd(16)}no profile (the process did not exit cleanly)`]
        : formatSummary(p.name, p.summary),
    ),
  ];
}

function checkLines(c: CheckResult): string[] {
  const verdict = c.ok ? 'OK' : 'FAILED';
  const legs = `${c.legs.prepared} PREPARED, ${c.legs.committed} committed, ${c.legs.aborted} aborted`;
  const problems = c.problems.map((p) => `  problem   ${p}`);
  if (!c.booksRead) return [`check       ${verdict}`, ...problems];
  return [
    `check       ${verdict}`,
    `  money     balances add up to ${formatAmount(c.actualTotal)} (opening ${formatAmount(c.expectedTotal)}), held ${formatAmount(c.held)}`,
    `  legs      ${legs} (waited ${Math.round(c.waitedMs)} ms for phase 2)`,
    `  payments  ${c.committedInBooks} committed in the books, ${c.committedAnswers} COMMITTED answers`,
    ...problems,
  ];
}

function latencyRow(s: LatencySummary): string {
  const cell = (v: number | null): string => (v === null ? '-' : v.toFixed(1)).padStart(8);
  return [s.p50, s.p90, s.p99, s.max, s.mean].map(cell).join('') + `   (${s.count} calls)`;
}

function counts(byName: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byName).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([name, n]) => `${name} ${n}`).join(', ');
}

function percent(value: number | null): string {
  return (value === null ? '?' : `${value.toFixed(1)}%`).padStart(13);
}

function share(value: number | null, width: number): string {
  return (value === null ? '?' : `${value.toFixed(0)}%`).padStart(width);
}

function seconds(value: number | null): string {
  return (value === null ? '?' : value.toFixed(1)).padStart(8);
}

/** CPU milliseconds per committed payment in the window. */
function perPayment(cpuSeconds: number | null, committed: number): string {
  const text =
    cpuSeconds === null || committed === 0 ? '?' : ((1000 * cpuSeconds) / committed).toFixed(3);
  return text.padStart(12);
}

/** CPU seconds of every service process (and PostgreSQL), without the load generator. */
export function serverSeconds(cpu: readonly CpuUse[]): number {
  return cpu
    .filter((c) => c.name !== LOAD_GENERATOR)
    .reduce((sum, c) => sum + (c.cpuSeconds ?? 0), 0);
}

function sumPercent(cpu: readonly CpuUse[]): number {
  return cpu.reduce((sum, c) => sum + (c.percentOfCore ?? 0), 0);
}
