import { relative } from 'node:path';
import { parseOptions, USAGE, UsageError, type BenchOptions } from './options';
import { SERVICE_LOG_LEVEL } from './cluster';
import { formatFloorHeader, formatFloorResult, runFloor } from './floor';
import { formatHeader, formatResult, loadAverage, machine, toJson } from './report';
import { runBenchmark } from './run';

/** `pnpm bench`: parses the command line, runs the benchmark, prints, sets the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n(pnpm bench --help lists the options)\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const script = relative(process.cwd(), process.argv[1] ?? 'bench/dist/main.js') || 'main.js';
  const info = {
    date: new Date().toISOString(),
    command: ['node', script, ...argv].join(' '),
    machine: machine(),
    options,
    serviceLogLevel: SERVICE_LOG_LEVEL,
    loadBefore: loadAverage(),
  };
  if (options.floor) {
    if (!options.json) process.stdout.write(formatFloorHeader(info) + '\n');
    const floor = await runFloor(info, process.stderr);
    process.stdout.write(options.json ? toJson(floor) + '\n' : formatFloorResult(floor));
    return Object.keys(floor.errorsByStatus).length === 0 ? 0 : 1;
  }
  if (!options.json) process.stdout.write(formatHeader(info) + '\n');
  const result = await runBenchmark(info, process.stderr);
  process.stdout.write(options.json ? toJson(result) + '\n' : formatResult(result));
  return result.check.ok && result.deadServices.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
