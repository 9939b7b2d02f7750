import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { repoRoot } from '@strife/runtime';
import { type CpuProfile, type ProfileSummary, summarizeProfile } from './profile';

/** One process's profile over the window; `summary` is null when it wrote none. */
export interface ProcessProfile {
  readonly name: string;
  readonly file: string;
  readonly summary: ProfileSummary | null;
}

/** Microseconds on the monotonic clock V8 stamps profile samples with. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * `--profile`: every service runs under `node --cpu-prof` and writes its profile when it exits;
 * the load generator (this process) profiles its own main thread through the inspector for the
 * window only. Samples outside the window are left out of the summaries, so start-up (the
 * gateway hashing every seed user's password) and the final check do not count.
 */
export class Profiler {
  private readonly session = new Session();
  private window: { fromUs: number; toUs: number } | undefined;

  private constructor(readonly dir: string) {}

  /** A fresh directory under `bench/profiles/`, named by the run's start time. */
  static create(date: string): Profiler {
    const dir = join(repoRoot(), 'bench', 'profiles', date.replace(/[:.]/g, '-'));
    mkdirSync(dir, { recursive: true });
    return new Profiler(dir);
  }

  /** Node options that make service `name` write its profile into this directory at exit. */
  nodeArgs(name: string): string[] {
    return ['--cpu-prof', `--cpu-prof-dir=${this.dir}`, `--cpu-prof-name=${fileName(name)}`];
  }

  /** Opens the window: starts profiling this process. */
  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.start');
    this.window = { fromUs: monotonicUs(), toUs: Number.POSITIVE_INFINITY };
  }

  /** Closes the window: stops profiling this process and writes its profile as `name`. */
  async stop(name: string): Promise<void> {
    if (this.window === undefined) throw new Error('the profiler was not started');
    this.window = { ...this.window, toUs: monotonicUs() };
    const { profile } = await this.session.post('Profiler.stop');
    this.session.disconnect();
    writeFileSync(join(this.dir, fileName(name)), JSON.stringify(profile));
  }

  /** Summaries of the window for every process in `names`; call after the services exited. */
  summaries(names: readonly string[]): ProcessProfile[] {
    const window = this.window;
    return names.map((name) => {
      const file = join(this.dir, fileName(name));
      let profile: CpuProfile;
      try {
        profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
      } catch {
        return { name, file, summary: null };
      }
      return { name, file, summary: summarizeProfile(profile, window) };
    });
  }
}

function fileName(name: string): string {
  return `${name.replace(/\s+/g, '-')}.cpuprofile`;
}
