import { Command, InvalidArgumentError, Option } from 'commander';
import { explore } from './cli/explore';
import { summarize } from './cli/summary';
import { formatEntry } from './engine/trace';
import { describeFailure, explain } from './explain';
import { MUTATIONS, type Mutation } from './mutations';

/** Failing seeds explained in full (each is replayed with its trace). */
const EXPLAINED = 3;

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function print(lines: readonly string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

interface Options {
  readonly seeds: number;
  readonly seed?: number;
  readonly first?: number;
  readonly steps: number;
  readonly mutation: Mutation;
  readonly workers: number;
  readonly verbose: boolean;
}

/** `--seed S`: one schedule, replayed exactly, with its trace. */
async function replay(seed: number, options: Options): Promise<number> {
  const { result, lines } = await explain(seed, options.steps, options.mutation);
  if (options.verbose) print(result.trace.map(formatEntry));
  print([
    `seed ${seed}: ${result.steps} events, ${result.payments} payments, ${result.simulatedMs} ms simulated ` +
      `(faults stopped at ${result.calmAtMs} ms)`,
    `world: ${result.world.banks.map((b) => b.name).join(', ')}; gateway instances ` +
      result.world.gateways.join(', '),
    `counts: ${JSON.stringify(result.counts)}`,
    ...(result.violation === undefined ? ['no violations'] : lines),
  ]);
  return result.violation === undefined ? 0 : 1;
}

/** `--seeds N`: many schedules; failing ones are replayed and explained. */
async function search(options: Options): Promise<number> {
  const first = options.first ?? Math.floor(Date.now() / 1000) % 1_000_000_000;
  print([
    `strife sim: seeds ${first}..${first + options.seeds - 1}, ${options.steps} steps, ` +
      `mutation ${options.mutation}`,
  ]);
  let reported = Date.now();
  const explored = await explore({
    first,
    seeds: options.seeds,
    steps: options.steps,
    mutation: options.mutation,
    workers: options.workers,
    progress: (done) => {
      if (Date.now() - reported < 10_000) return;
      reported = Date.now();
      process.stderr.write(`  ${done}/${options.seeds} schedules\n`);
    },
  });
  print(summarize(explored, options.steps, options.workers));
  const failing = explored.outcomes.filter((o) => o.violation !== undefined);
  for (const outcome of failing.slice(0, EXPLAINED)) {
    const { result } = await explain(outcome.seed, options.steps, options.mutation);
    print(['', ...describeFailure(result, options.steps, options.mutation)]);
  }
  for (const outcome of failing.slice(EXPLAINED)) {
    const v = outcome.violation;
    if (v) print([`seed ${outcome.seed}: ${v.invariant}: ${v.message}`]);
  }
  return failing.length === 0 ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('sim')
    .description(
      'Deterministic simulation of the payment core: the real coordinator, banks and gateway ' +
        'payment logic, driven by one seed per schedule.',
    )
    .option('--seeds <n>', 'how many schedules to run', integer, 100)
    .option('--seed <s>', 'replay one schedule exactly, with its trace', integer)
    .option('--first <s>', 'the first seed of the range (default: from the clock)', integer)
    .option('--steps <k>', 'events per schedule while faults are on', integer, 100)
    .addOption(
      new Option('--mutation <m>', 'break one mechanism, to see the checkers catch it')
        .choices(['none', ...MUTATIONS])
        .default('none'),
    )
    .option('--workers <w>', 'worker threads', integer, 1)
    .option('--verbose', 'with --seed: print the whole trace', false)
    .parse(argv);
  const options = program.opts<Options>();
  return options.seed === undefined ? search(options) : replay(options.seed, options);
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
