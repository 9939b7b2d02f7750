import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

/** What one benchmark run does, from the command line. */
export interface BenchOptions {
  /** Seeded accounts, split across ICICI and SBI, one user each. */
  readonly accounts: number;
  /** Logged-in clients paying in a loop, each with one payment in flight. */
  readonly concurrency: number;
  /** gRPC channels (TLS connections to the gateway) the clients share. */
  readonly channels: number;
  /** Length of the measured window, in seconds. */
  readonly durationS: number;
  /** Load before the window that is not counted, in seconds. */
  readonly warmupS: number;
  /** Share of payments (0..1) whose payee is at the payer's own bank. */
  readonly sameBank: number;
  /** One client, one payment at a time: latency without queueing. */
  readonly sequential: boolean;
  /** One JSON object on stdout and nothing else; progress stays on stderr. */
  readonly json: boolean;
  /** Profile every process's CPU over the window, keep the profiles and summarise them. */
  readonly profile: boolean;
  /** Measure a unary call with nothing behind it (the transport floor), not the cluster. */
  readonly floor: boolean;
  /** Gateway instances; the clients balance over them round-robin. */
  readonly gateways: number;
  /** Where the gateways keep their state: SQLite (one instance) or a private PostgreSQL. */
  readonly database: GatewayDatabaseKind;
  readonly help: boolean;
}

export type GatewayDatabaseKind = 'sqlite' | 'postgres';

/** A command line that cannot be run; main prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULTS: BenchOptions = {
  accounts: 100,
  concurrency: 64,
  channels: 4,
  durationS: 60,
  warmupS: 3,
  sameBank: 0,
  sequential: false,
  json: false,
  profile: false,
  floor: false,
  gateways: 1,
  database: 'sqlite',
  help: false,
};

const DESCRIPTION =
  'Starts its own Strife cluster (txid, ICICI, SBI, the gateway instances as real processes; temp dir, free ports, fresh certificates, every party durable), drives Pay calls at it and reports throughput, latency, aborts, errors and CPU per process (and per committed payment), the mean time of each step inside the services (from their own metrics), then checks the books.';

const EXIT_CODES = `
Exit code: 0 when the final check passes (--floor: when no call failed), 1 when it does not,
2 for a bad command line.
`;

/** A number flag's limits. */
interface Limits {
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
}

/** Parses a number flag's value, refusing what is not a number or out of `limits`. */
function numberIn(name: string, limits: Limits): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`${name}: "${text.slice(0, 20)}" is not a number`);
    }
    if (limits.integer && !Number.isInteger(value)) {
      throw new InvalidArgumentError(`${name}: "${text}" is not a whole number`);
    }
    if (value < limits.min || value > limits.max) {
      throw new InvalidArgumentError(`${name}: must be between ${limits.min} and ${limits.max}`);
    }
    return value;
  };
}

/** The command line, as commander parses it; `--help` prints its help. */
function command(): Command {
  const number = (flags: string, what: string, name: string, limits: Limits, fallback: number) =>
    new Option(flags, what).argParser(numberIn(name, limits)).default(fallback);
  return new Command('pnpm bench')
    .usage('[options]    (or: node bench/dist/main.js [options])')
    .description(DESCRIPTION)
    .helpOption(false)
    .addOption(
      number(
        '--accounts <n>',
        'seeded accounts across ICICI and SBI, one user each',
        '--accounts',
        { integer: true, min: 2, max: 100_000 },
        DEFAULTS.accounts,
      ),
    )
    .addOption(
      number(
        '--concurrency <c>',
        'logged-in clients, one payment in flight each',
        '--concurrency',
        { integer: true, min: 1, max: 10_000 },
        DEFAULTS.concurrency,
      ),
    )
    .addOption(
      number(
        '--channels <k>',
        'gRPC connections to the gateways the clients share',
        '--channels',
        { integer: true, min: 1, max: 256 },
        DEFAULTS.channels,
      ),
    )
    .addOption(
      number(
        '--duration <s>',
        'measured seconds',
        '--duration',
        { integer: false, min: 0.1, max: 86_400 },
        DEFAULTS.durationS,
      ),
    )
    .addOption(
      number(
        '--warmup <s>',
        'seconds of load before measuring, not counted',
        '--warmup',
        { integer: false, min: 0, max: 3_600 },
        DEFAULTS.warmupS,
      ),
    )
    .addOption(
      number(
        '--same-bank <f>',
        "share 0..1 of payments to the payer's own bank",
        '--same-bank',
        { integer: false, min: 0, max: 1 },
        DEFAULTS.sameBank,
      ),
    )
    .addOption(
      number(
        '--gateways <n>',
        'gateway instances, balanced round-robin by the clients',
        '--gateways',
        { integer: true, min: 1, max: 8 },
        DEFAULTS.gateways,
      ),
    )
    .addOption(
      new Option(
        '--database <kind>',
        "the gateways' state: sqlite (one instance only) or postgres, a private PostgreSQL server started for the run, its CPU measured with the rest (default: sqlite for one gateway, postgres for more)",
      ).choices(['sqlite', 'postgres']),
    )
    .option('--sequential', 'one client, one payment at a time (latency)')
    .option(
      '--json',
      "print one JSON object on stdout, nothing else (pnpm bench prints turbo's build summary first: for clean JSON, node bench/dist/main.js --json)",
    )
    .option(
      '--profile',
      'CPU-profile every process (services, load generator) over the window: prints where each spends its time and keeps the .cpuprofile files (open them in Chrome DevTools) in bench/profiles/<date>/; costs a few % of CPU',
    )
    .option(
      '--floor',
      "the transport floor instead of the cluster: one server process answers grpc.health.v1 Check through Strife's gRPC plumbing (mTLS, peer-role check, call logging, error table) with nothing behind it, called like Pay (--concurrency, --channels, --sequential, --duration, --warmup, --json); prints calls/s, latency and the CPU each end spends per call: what a Pay costs before the gateway does any work",
    )
    .option('-h, --help', 'this text')
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
}

/** `pnpm bench --help`. */
export const USAGE = command().helpInformation() + EXIT_CODES;

interface Parsed {
  accounts: number;
  concurrency: number;
  channels: number;
  duration: number;
  warmup: number;
  sameBank: number;
  gateways: number;
  database?: GatewayDatabaseKind;
  sequential?: true;
  json?: true;
  profile?: true;
  floor?: true;
  help?: true;
}

/**
 * Parses `argv` (without node and the script). Flags take `--flag value` or `--flag=value`.
 * `--sequential` forces one client on one channel.
 * @throws UsageError naming the flag for anything unknown, missing or out of range.
 */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const program = command();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    throw new UsageError(err.message.replace(/^error: /, ''));
  }
  const o = program.opts<Parsed>();
  const given = (name: string): boolean => program.getOptionValueSource(name) === 'cli';
  const notForFloor = [
    ['accounts', '--accounts'],
    ['sameBank', '--same-bank'],
    ['profile', '--profile'],
    ['gateways', '--gateways'],
    ['database', '--database'],
  ]
    .filter(([key]) => given(key ?? ''))
    .map(([, flag]) => flag);
  if (o.floor && notForFloor.length > 0) {
    const verb = notForFloor.length === 1 ? 'does' : 'do';
    throw new UsageError(`--floor calls no cluster: ${notForFloor.join(', ')} ${verb} not apply`);
  }
  if (o.sameBank > 0 && o.accounts < 4) {
    throw new UsageError('--same-bank needs --accounts 4 or more (two per bank)');
  }
  if (o.database === 'sqlite' && o.gateways > 1) {
    throw new UsageError('--database sqlite serves one gateway; several need --database postgres');
  }
  const sequential = o.sequential === true;
  return {
    accounts: o.accounts,
    concurrency: sequential ? 1 : o.concurrency,
    channels: sequential ? 1 : Math.min(o.channels, o.concurrency),
    durationS: o.duration,
    warmupS: o.warmup,
    sameBank: o.sameBank,
    gateways: o.gateways,
    database: o.database ?? (o.gateways > 1 ? 'postgres' : 'sqlite'),
    sequential,
    json: o.json === true,
    profile: o.profile === true,
    floor: o.floor === true,
    help: o.help === true,
  };
}
