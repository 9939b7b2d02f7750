import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** A process whose CPU time is measured. */
export interface Watched {
  readonly name: string;
  readonly pid: number;
  /**
   * Count the process with all its children, those that exited in the window too: a server
   * such as PostgreSQL does its work in a child process per connection.
   */
  readonly withChildren?: boolean;
}

/** CPU ticks (user + system) of each watched process, and of the whole machine, at one moment. */
export interface CpuSnapshot {
  readonly at: number;
  /** Ticks by pid; missing when the process could not be read (it exited). */
  readonly ticks: ReadonlyMap<number, number>;
  /** Ticks of each process's main thread (for Node: the JavaScript event loop) by pid. */
  readonly mainTicks: ReadonlyMap<number, number>;
  /** Machine-wide busy and total ticks from /proc/stat, summed over every core. */
  readonly machine: { readonly busy: number; readonly total: number } | undefined;
}

/** One process's share of the window. */
export interface CpuUse {
  readonly name: string;
  readonly pid: number;
  /** CPU seconds used in the window (user + system, every thread). */
  readonly cpuSeconds: number | null;
  /** Percent of one core (200 = two cores flat out). */
  readonly percentOfCore: number | null;
  /**
   * Percent of one core used by the main thread alone: the event loop, which cannot use more
   * than 100. Time it spends blocked in fsync is not CPU time and does not show here.
   */
  readonly mainThreadPercent: number | null;
}

/** Machine-wide use over the window, to spot other load on the machine. */
export interface MachineUse {
  /** Percent of all cores busy (100 = every core flat out). */
  readonly busyPercent: number | null;
  /** Cores' worth of CPU used by processes not watched here (other users, the kernel). */
  readonly otherCores: number | null;
}

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK` (the unit of /proc times), 100 when it cannot be asked. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The fields of /proc/<pid>/stat this file reads, in clock ticks. */
export interface ProcStat {
  readonly ppid: number;
  /** utime + stime: the process's own CPU. */
  readonly own: number;
  /** cutime + cstime: the CPU of its children that exited and were waited for. */
  readonly children: number;
}

/**
 * Fields of one /proc/<pid>/stat line; `undefined` when it cannot be read. The command name
 * (field 2) may hold spaces and parentheses, so fields count from its last `)`.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), rest[1] field 4 (ppid); utime, stime, cutime and cstime are
  // fields 14 to 17.
  const field = (i: number): number => Number(rest[i]);
  const stat = {
    ppid: field(1),
    own: field(11) + field(12),
    children: field(13) + field(14),
  };
  return Object.values(stat).every((n) => Number.isFinite(n)) ? stat : undefined;
}

function readStat(path: string): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function processTicks(path: string): number | undefined {
  return readStat(path)?.own;
}

/**
 * The CPU of `pid` and its children: its own, its exited children's (as it waited for them) and
 * its live children's. Between two readings the difference is exact: a child that exits moves
 * its whole time from the live sum to the waited-for sum.
 */
function familyTicks(pid: number): number | undefined {
  const parent = readStat(`/proc/${pid}/stat`);
  if (parent === undefined) return undefined;
  let total = parent.own + parent.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = readStat(`/proc/${entry}/stat`);
    if (child?.ppid === pid) total += child.own;
  }
  return total;
}

function machineTicks(): CpuSnapshot['machine'] {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest times are already in user).
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
      fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

/** Reads the CPU ticks of every watched process and of the machine now. */
export function sampleCpu(watched: readonly Watched[]): CpuSnapshot {
  const ticks = new Map<number, number>();
  const mainTicks = new Map<number, number>();
  for (const { pid, withChildren } of watched) {
    const all = withChildren ? familyTicks(pid) : processTicks(`/proc/${pid}/stat`);
    if (all !== undefined) ticks.set(pid, all);
    // A family of processes has no one event loop.
    const main = withChildren ? undefined : processTicks(`/proc/${pid}/task/${pid}/stat`);
    if (main !== undefined) mainTicks.set(pid, main);
  }
  return { at: performance.now(), ticks, mainTicks, machine: machineTicks() };
}

/** Each watched process's CPU between two snapshots. */
export function cpuBetween(
  watched: readonly Watched[],
  before: CpuSnapshot,
  after: CpuSnapshot,
): CpuUse[] {
  const seconds = (after.at - before.at) / 1000;
  const hz = clockTicksPerSecond();
  const percent = (ticks: number): number => (100 * ticks) / hz / seconds;
  return watched.map(({ name, pid }) => {
    const start = before.ticks.get(pid);
    const end = after.ticks.get(pid);
    if (start === undefined || end === undefined || seconds <= 0) {
      return { name, pid, cpuSeconds: null, percentOfCore: null, mainThreadPercent: null };
    }
    const mainStart = before.mainTicks.get(pid);
    const mainEnd = after.mainTicks.get(pid);
    return {
      name,
      pid,
      cpuSeconds: (end - start) / hz,
      percentOfCore: percent(end - start),
      mainThreadPercent:
        mainStart === undefined || mainEnd === undefined ? null : percent(mainEnd - mainStart),
    };
  });
}

/** The machine's busy share between two snapshots and how much of it was not ours. */
export function machineBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
  ours: readonly CpuUse[],
  cores: number,
): MachineUse {
  if (!before.machine || !after.machine) return { busyPercent: null, otherCores: null };
  const total = after.machine.total - before.machine.total;
  const busy = after.machine.busy - before.machine.busy;
  if (total <= 0) return { busyPercent: null, otherCores: null };
  const busyCores = (busy / total) * cores;
  const ourCores = ours.reduce((sum, u) => sum + (u.percentOfCore ?? 0) / 100, 0);
  return { busyPercent: (100 * busy) / total, otherCores: Math.max(0, busyCores - ourCores) };
}
