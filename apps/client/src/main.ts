#!/usr/bin/env node
import { runCli } from './cli';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`strife: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 5;
  },
);
