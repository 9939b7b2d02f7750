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

/** `pnpm bench --help`. */
export const USAGE = `Usage: pnpm bench [options]    (or: node bench/dist/main.js [options])

Starts its own Strife cluster (txid, ICICI, SBI, gateway as real processes; temp dir, free
ports, fresh certificates, every party durable), drives Pay calls at it and reports throughput,
latency, aborts, errors and CPU per process, then checks the books.

Options:
  --accounts N      seeded accounts across ICICI and SBI, one user each   (default ${DEFAULTS.accounts})
  --concurrency C   logged-in clients, one payment in flight each        (default ${DEFAULTS.concurrency})
  --channels K      gRPC connections to the gateway the clients share    (default ${DEFAULTS.channels})
  --duration S      measured seconds                                     (default ${DEFAULTS.durationS})
  --warmup S        seconds of load before measuring, not counted        (default ${DEFAULTS.warmupS})
  --same-bank F     share 0..1 of payments to the payer's own bank       (default ${DEFAULTS.sameBank})
  --gateways N      gateway instances, balanced round-robin by the clients (default ${DEFAULTS.gateways})
  --database D      the gateways' state: sqlite (one instance only) or postgres, a private
                    PostgreSQL server started for the run, its CPU measured with the rest
                    (default: sqlite for one gateway, postgres for more)
  --sequential      one client, one payment at a time (latency)
  --json            print one JSON object on stdout, nothing else (pnpm bench prints turbo's
                    build summary first: for clean JSON, node bench/dist/main.js --json)
  --profile         CPU-profile every process (services, load generator) over the window:
                    prints where each spends its time and keeps the .cpuprofile files (open
                    them in Chrome DevTools) in bench/profiles/<date>/. Costs a few % of CPU
  --floor           the transport floor instead of the cluster: one server process answers
                    grpc.health.v1 Check through Strife's gRPC plumbing (mTLS, peer-role
                    check, call logging, error table) with nothing behind it, called like Pay
                    (--concurrency, --channels, --sequential, --duration, --warmup, --json).
                    Prints calls/s, latency and the CPU each end spends per call: what a Pay
                    costs before the gateway does any work
  --help            this text

Exit code: 0 when the final check passes (--floor: when no call failed), 1 when it does not,
2 for a bad command line.
`;

type NumberKey =
  'accounts' | 'concurrency' | 'channels' | 'durationS' | 'warmupS' | 'sameBank' | 'gateways';

interface NumberFlag {
  readonly key: NumberKey;
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
}

const NUMBER_FLAGS: Readonly<Record<string, NumberFlag>> = {
  '--accounts': { key: 'accounts', integer: true, min: 2, max: 100_000 },
  '--concurrency': { key: 'concurrency', integer: true, min: 1, max: 10_000 },
  '--channels': { key: 'channels', integer: true, min: 1, max: 256 },
  '--duration': { key: 'durationS', integer: false, min: 0.1, max: 86_400 },
  '--warmup': { key: 'warmupS', integer: false, min: 0, max: 3_600 },
  '--same-bank': { key: 'sameBank', integer: false, min: 0, max: 1 },
  '--gateways': { key: 'gateways', integer: true, min: 1, max: 8 },
};

const DATABASES: readonly GatewayDatabaseKind[] = ['sqlite', 'postgres'];

type BooleanKey = 'sequential' | 'json' | 'profile' | 'floor' | 'help';

const BOOLEAN_FLAGS: Readonly<Record<string, BooleanKey>> = {
  '--sequential': 'sequential',
  '--json': 'json',
  '--profile': 'profile',
  '--floor': 'floor',
  '--help': 'help',
  '-h': 'help',
};

/**
 * Parses `argv` (without node and the script). Flags take `--flag value` or `--flag=value`.
 * `--sequential` forces one client on one channel.
 * @throws UsageError naming the flag for anything unknown, missing or out of range.
 */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const numbers: Record<NumberKey, number> = { ...DEFAULTS };
  const flags = { sequential: false, json: false, profile: false, floor: false, help: false };
  const given = new Set<string>();
  let database: GatewayDatabaseKind | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--database') {
      const text = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (text === undefined || text === '') throw new UsageError(`${name} needs a value`);
      database = DATABASES.find((d) => d === text);
      if (database === undefined) {
        throw new UsageError(`--database: "${text.slice(0, 20)}" is not sqlite or postgres`);
      }
      given.add(name);
      continue;
    }
    const bool = BOOLEAN_FLAGS[name];
    if (bool !== undefined) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      flags[bool] = true;
      given.add(name);
      continue;
    }
    const flag = NUMBER_FLAGS[name];
    if (flag === undefined) throw new UsageError(`unknown option ${arg}`);
    const text = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (text === undefined || text === '') throw new UsageError(`${name} needs a value`);
    numbers[flag.key] = parseNumber(name, text, flag);
    given.add(name);
  }
  const notForFloor = ['--accounts', '--same-bank', '--profile', '--gateways', '--database'].filter(
    (f) => given.has(f),
  );
  if (flags.floor && notForFloor.length > 0) {
    const verb = notForFloor.length === 1 ? 'does' : 'do';
    throw new UsageError(`--floor calls no cluster: ${notForFloor.join(', ')} ${verb} not apply`);
  }
  if (numbers.sameBank > 0 && numbers.accounts < 4) {
    throw new UsageError('--same-bank needs --accounts 4 or more (two per bank)');
  }
  if (database === 'sqlite' && numbers.gateways > 1) {
    throw new UsageError('--database sqlite serves one gateway; several need --database postgres');
  }
  const sequential = flags.sequential;
  return {
    ...numbers,
    database: database ?? (numbers.gateways > 1 ? 'postgres' : 'sqlite'),
    concurrency: sequential ? 1 : numbers.concurrency,
    channels: sequential ? 1 : Math.min(numbers.channels, numbers.concurrency),
    ...flags,
  };
}

function parseNumber(name: string, text: string, flag: NumberFlag): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) {
    throw new UsageError(`${name}: "${text}" is not a number`);
  }
  if (flag.integer && !Number.isInteger(value)) {
    throw new UsageError(`${name}: "${text}" is not a whole number`);
  }
  if (value < flag.min || value > flag.max) {
    throw new UsageError(`${name}: must be between ${flag.min} and ${flag.max}`);
  }
  return value;
}
