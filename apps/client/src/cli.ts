import { type Env, STRIFE_VERSION } from '@strife/runtime';
import { Command, CommanderError } from 'commander';
import { balance } from './commands/balance';
import { daemon } from './commands/daemon';
import { history, type HistoryOptions } from './commands/history';
import { login, type LoginOptions } from './commands/login';
import { logout } from './commands/logout';
import { pay, type PayOptions } from './commands/pay';
import { listQueue } from './commands/queue';
import { register, type RegisterOptions } from './commands/register';
import type { RetryFlags } from './commands/retrierFlags';
import { shell } from './commands/shell';
import { status, type StatusOptions } from './commands/status';
import { Context } from './context';
import { type ExitCode, usageError } from './exitCodes';
import { failure, ok, render, type Result } from './output';

const EPILOGUE = `
Exit codes: 0 done (COMMITTED), 1 declined or ABORTED, 2 bad usage or input,
3 QUEUED offline, 4 not logged in or credentials refused, 5 other failure.
With --json (anywhere on the line) stdout holds exactly one JSON object;
daemon and shell print one JSON object per line (JSON Lines).
Without --password or --password-stdin, login and register ask for it (hidden) on a terminal.
Environment: STRIFE_CONFIG, STRIFE_CERTS_DIR, STRIFE_HOME (default ~/.strife),
STRIFE_GATEWAY (as --gateway).`;

interface Globals {
  readonly gateway?: string;
}

/** What one parsed command line produced, and whether to print it as JSON. */
export interface Execution {
  readonly result: Result;
  readonly json: boolean;
}

/** Whether `--json` appears anywhere on the line (before a `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Runs `strife` with `argv` (without the node and script paths), prints the result and returns
 * the exit code.
 */
export async function runCli(argv: readonly string[], env: Env = process.env): Promise<ExitCode> {
  const ctx = new Context(env, wantsJson(argv));
  try {
    const { result, json } = await execute(ctx, argv);
    render(result, json, ctx.sink);
    return result.exitCode;
  } finally {
    ctx.close();
  }
}

/**
 * Parses and runs one command line. Usage errors (unknown command or option, a missing
 * required option) become a one-line result with exit 2, so `--json` still yields one object.
 * @param shellGateway inside `strife shell` (no `daemon` or nested `shell` there): the shell's
 *   own `--gateway`, used by lines that do not give one.
 */
export async function execute(
  ctx: Context,
  argv: readonly string[],
  shellGateway?: { readonly address: string | undefined },
): Promise<Execution> {
  const json = ctx.json || wantsJson(argv);
  let result: Result | undefined;
  let help = '';
  const program = buildProgram(ctx, shellGateway, {
    done: (r) => (result = r),
    writeOut: (text) => (help += text),
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    result = err instanceof CommanderError ? commanderResult(err, help) : failure(err);
  }
  return { result: result ?? failure(usageError('no command ran; see `strife --help`')), json };
}

function commanderResult(err: CommanderError, help: string): Result {
  if (err.code === 'commander.helpDisplayed') {
    return ok({ help }, [help.trimEnd()]);
  }
  if (err.code === 'commander.version') {
    return ok({ version: STRIFE_VERSION }, [STRIFE_VERSION]);
  }
  if (err.code === 'commander.help') {
    return failure(usageError('a command is required; `strife --help` lists them'));
  }
  return failure(usageError(err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')));
}

interface Hooks {
  readonly done: (result: Result) => void;
  readonly writeOut: (text: string) => void;
}

function buildProgram(
  ctx: Context,
  shellGateway: { readonly address: string | undefined } | undefined,
  hooks: Hooks,
): Command {
  const program = new Command('strife')
    .description('Pay through the Strife gateway; payments made offline are queued and retried.')
    .option('--json', 'print exactly one JSON object on stdout (JSON Lines for daemon and shell)')
    .option('--gateway <host:port>', "gateway address, instead of the cluster file's")
    .version(STRIFE_VERSION, '--version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: hooks.writeOut,
      writeErr: () => undefined,
      outputError: () => undefined,
    })
    .showSuggestionAfterError()
    .addHelpText('after', EPILOGUE)
    .hook('preAction', (_program, action) => {
      const flag = action.optsWithGlobals<Globals>().gateway ?? shellGateway?.address;
      if (flag !== undefined || !ctx.env.STRIFE_GATEWAY) ctx.setGatewayOverride(flag);
      else ctx.setGatewayOverride(ctx.env.STRIFE_GATEWAY, 'STRIFE_GATEWAY');
    });
  const run =
    <O>(command: (ctx: Context, options: O) => Promise<Result> | Result) =>
    async (options: O): Promise<void> => {
      hooks.done(await command(ctx, options));
    };

  program
    .command('register')
    .description('open an account at a bank and create a user (does not log in)')
    .requiredOption('--username <name>', 'new username: 3-32 of a-z 0-9 _ . -')
    .option(
      '--password <password>',
      '8 to 128 characters (visible to other users: prefer the next)',
    )
    .option('--password-stdin', 'read the password from the first line of stdin')
    .requiredOption('--bank <name>', 'bank name, e.g. SBI')
    .option('--initial <amount>', 'initial deposit, e.g. 1000.00', '0.00')
    .action(run<RegisterOptions>(register));
  program
    .command('login')
    .description('log in; the session is kept in $STRIFE_HOME')
    .requiredOption('--username <name>', 'username')
    .option('--password <password>', 'password (visible to other users: prefer the next)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(run<LoginOptions>(login));
  program
    .command('logout')
    .description('end the session at the gateway and here')
    .action(run(logout));
  program
    .command('balance')
    .description("your account's balance and available amount")
    .action(run(balance));
  program
    .command('pay')
    .description('pay another account; queued and retried if the gateway is unreachable')
    .requiredOption('--to <account>', 'payee as BANK:ACCOUNT_NO, e.g. SBI:2001')
    .requiredOption('--amount <amount>', 'amount, e.g. 100.00')
    .option('--key <key>', 'idempotency key (default: a fresh UUIDv7)')
    .action(run<PayOptions>(pay));
  program
    .command('status')
    .description('the status of the payment with this key (gateway, else local queue)')
    .requiredOption('--key <key>', 'idempotency key')
    .action(run<StatusOptions>(status));
  program
    .command('history')
    .description('your payments, newest first')
    .option('--limit <n>', 'how many (1-10000)', '20')
    .action(run<HistoryOptions>(history));
  program
    .command('queue')
    .description('payments waiting in the local offline queue')
    .action(run(listQueue));
  if (!shellGateway) {
    retryOptions(
      program
        .command('daemon')
        .description('send queued payments in the foreground until stopped (SIGINT/SIGTERM)'),
    ).action(run<RetryFlags>(daemon));
    retryOptions(
      program
        .command('shell')
        .description('type commands while queued payments are sent in the background'),
    ).action(
      run<RetryFlags>((shellCtx, flags) => {
        const own = { address: shellCtx.gatewayOverride };
        return shell(shellCtx, flags, (argv) => execute(shellCtx, argv, own));
      }),
    );
  }
  return program;
}

function retryOptions(command: Command): Command {
  return command
    .option(
      '--retry-initial-ms <ms>',
      'first retry after this long; the floor of every wait',
      '5000',
    )
    .option('--retry-max-ms <ms>', 'cap on the wait between retries', '60000');
}
