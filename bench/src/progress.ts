/** Where progress goes: a TTY gets a redrawn bar, anything else a plain line now and then. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

export interface ProgressOptions {
  readonly warmupS: number;
  readonly durationS: number;
  /** COMMITTED answers so far (warm-up included). */
  readonly committed: () => number;
  /** What `committed` counts, as the bar names it. Default `committed`. */
  readonly label?: string;
  /** Redraw period on a TTY. Default 200 ms. */
  readonly redrawMs?: number;
  /** Line period otherwise. Default 5000 ms. */
  readonly lineMs?: number;
}

/** Rate over about this much recent time. */
const RATE_WINDOW_MS = 2000;

/**
 * A progress bar (elapsed/total, phase, committed so far, current rate) redrawn in place on a
 * TTY; otherwise one plain line every few seconds, so logs and pipes stay readable.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private readonly samples: { at: number; committed: number }[] = [];
  private readonly tty: boolean;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: ProgressOptions,
  ) {
    this.tty = stream.isTTY === true;
  }

  start(): void {
    this.startedAt = performance.now();
    this.samples.push({ at: this.startedAt, committed: this.options.committed() });
    const period = this.tty ? (this.options.redrawMs ?? 200) : (this.options.lineMs ?? 5000);
    this.timer = setInterval(() => this.tick(), period);
    this.timer.unref();
  }

  /** Stops updating and, on a TTY, clears the bar's line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.stream.write('\r\x1b[2K');
  }

  private tick(): void {
    const now = performance.now();
    const committed = this.options.committed();
    this.samples.push({ at: now, committed });
    while (this.samples.length > 2 && (this.samples[1]?.at ?? now) < now - RATE_WINDOW_MS) {
      this.samples.shift();
    }
    const first = this.samples[0] ?? { at: now, committed };
    const rate = now > first.at ? ((committed - first.committed) * 1000) / (now - first.at) : 0;
    const elapsedS = (now - this.startedAt) / 1000;
    const totalS = this.options.warmupS + this.options.durationS;
    const phase = elapsedS < this.options.warmupS ? 'warm-up' : 'measuring';
    const figures = `${elapsedS.toFixed(1)}/${totalS.toFixed(0)} s  ${phase}  ${this.options.label ?? 'committed'} ${committed}  ${rate.toFixed(0)}/s`;
    if (!this.tty) {
      this.stream.write(`bench: ${figures}\n`);
      return;
    }
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - figures.length - 4));
    const done = Math.min(width, Math.round((elapsedS / totalS) * width));
    const bar = '#'.repeat(done) + '-'.repeat(width - done);
    this.stream.write(`\r\x1b[2K[${bar}] ${figures}`);
  }
}

/** A plain status line on stderr (cleared of any bar first), e.g. "starting the cluster…". */
export function status(stream: ProgressStream, text: string): void {
  stream.write(`${stream.isTTY === true ? '\r\x1b[2K' : ''}bench: ${text}\n`);
}
