import { createInterface } from 'node:readline';
import type { Context } from '../context';
import { EXIT, usageError } from '../exitCodes';
import { failure, render, type Result } from '../output';
import { startRetrier } from './background';
import { backoffOf, type RetryFlags } from './retrierFlags';

/** Runs one command line (as split words) and says what it produced and whether in JSON. */
export type LineRunner = (argv: readonly string[]) => Promise<{ result: Result; json: boolean }>;

/**
 * `strife shell`: reads commands (`pay --to SBI:2001 --amount 5`, `queue`, …) from stdin while
 * the retrier runs in the background, until `exit`, end of input, or Ctrl-C. Each command
 * prints as it would on its own (one JSON object per line with `--json`); the prompt is shown
 * only on a terminal.
 */
export async function shell(ctx: Context, flags: RetryFlags, runLine: LineRunner): Promise<Result> {
  const backoff = backoffOf(flags);
  const interactive = process.stdin.isTTY && !ctx.json;
  const lines = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: interactive ? 'strife> ' : '',
    terminal: interactive,
  });
  const retrier = startRetrier(ctx, backoff, () => {
    if (interactive) lines.prompt(true);
  });
  const close = (): void => lines.close();
  lines.on('SIGINT', close);
  process.once('SIGTERM', close);
  if (interactive) lines.prompt();
  for await (const line of lines) {
    let argv: string[];
    try {
      argv = splitWords(line);
    } catch (err) {
      render(failure(err), ctx.json, ctx.sink);
      continue;
    }
    const [first] = argv;
    if (first === 'exit' || first === 'quit') break;
    if (first !== undefined) {
      const { result, json } = await runLine(argv);
      render(result, json, ctx.sink);
    }
    if (interactive) lines.prompt();
  }
  process.off('SIGTERM', close);
  lines.close();
  await retrier.stop();
  return { exitCode: EXIT.OK };
}

/** Splits a command line into words; single or double quotes keep spaces in a word. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (const ch of line) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw usageError(`unbalanced ${quote} in: ${line}`);
  if (inWord) words.push(word);
  return words;
}
