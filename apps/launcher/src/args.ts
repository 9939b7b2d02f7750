import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** What `pnpm start` was asked to do. */
export interface StartArgs {
  /** How many gateway instances; undefined: as many as the cluster file gives. */
  readonly gateways: number | undefined;
  /** Bring back a child that dies (with backoff, giving up on a crash loop). */
  readonly restart: boolean;
  /** Give every service that has none a metrics address, for the console's charts. */
  readonly metrics: boolean;
}

/** Either options to run with, or the exit code to end with at once (help shown, bad usage). */
export type Parsed<T> =
  { readonly kind: 'run'; readonly options: T } | { readonly kind: 'exit'; readonly code: number };

/** Where help and usage errors go; the process's stdout and stderr unless a test says otherwise. */
export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const STDIO: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Most gateway instances `--gateways` starts: each is a process on this machine. */
export const MAX_GATEWAYS = 16;

const ENVIRONMENT = `
Environment:
  STRIFE_CONFIG        the cluster file (default config/cluster.json)
  STRIFE_DATA_DIR      the services' data (default var/)
  STRIFE_CERTS_DIR     CA and certificates (default certs/)
  STRIFE_DATABASE_URL  the gateways' PostgreSQL (overrides gateway.database)
  LOG_LEVEL            the services' log level (default info)
  NO_COLOR             set to turn colour off`;

/**
 * Parses `pnpm start`'s arguments (`argv` without node and the script): `--gateways <n>`,
 * `--restart` and `--metrics`. `--help` exits 0; a usage error is one line on stderr and exits 2.
 */
export function parseStartArgs(argv: readonly string[], output: Output = STDIO): Parsed<StartArgs> {
  const program = new Command('pnpm start')
    .description(
      'Run the whole Strife cluster (txid, the banks, the gateways) and the operator console as child processes with prefixed logs, until Ctrl-C.',
    )
    .option(
      '--gateways <n>',
      `run n gateway instances (1-${MAX_GATEWAYS}); with more than one, a cluster file listing them is written to the data dir, and without a configured database a private PostgreSQL is started for the run (default: the cluster file's, i.e. 1)`,
      gatewayCount,
    )
    .option(
      '--restart',
      'bring back a child that dies: after 1 s, doubling to 30 s; give up and stop after 5 crashes within a minute',
    )
    .option(
      '--metrics',
      'give every service without one a metricsAddress (its port + 1000, or the next free one), written with the cluster file to the data dir, so the console can chart throughput and latency',
    )
    .addHelpText('after', ENVIRONMENT);
  const exit = parse(program, argv, output);
  if (exit !== undefined) return { kind: 'exit', code: exit };
  const { gateways, restart, metrics } = program.opts<{
    gateways?: number;
    restart?: true;
    metrics?: true;
  }>();
  return {
    kind: 'run',
    options: { gateways, restart: restart === true, metrics: metrics === true },
  };
}

/** Parses `pnpm demo`'s arguments: none but `--help`. */
export function parseDemoArgs(argv: readonly string[], output: Output = STDIO): Parsed<object> {
  const program = new Command('pnpm demo')
    .description(
      'A narrated walk through Strife on its own ports and temp data: payments, retries, an offline queue, crashes mid-payment, and two gateway instances taking over from each other. Exits 1 if any check fails.',
    )
    .addHelpText('after', '\nEnvironment: NO_COLOR turns colour off.');
  const exit = parse(program, argv, output);
  return exit === undefined ? { kind: 'run', options: {} } : { kind: 'exit', code: exit };
}

/** Parses `argv` into `program`; returns the exit code if it must end here, else undefined. */
function parse(program: Command, argv: readonly string[], output: Output): number | undefined {
  program
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ writeOut: output.out, writeErr: output.err });
  // `pnpm start -- --gateways 3` passes the `--` along.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  try {
    program.parse([...args], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    return err.exitCode === 0 ? 0 : 2;
  }
  return undefined;
}

function gatewayCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_GATEWAYS) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_GATEWAYS}`);
  }
  return n;
}
