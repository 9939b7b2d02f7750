import type { Context } from '../context';
import { ask } from '../gatewayClient';
import { amountOption, bankOption } from '../input';
import { ok, type Result } from '../output';
import { type PasswordOptions, readPassword } from '../password';

export interface RegisterOptions extends PasswordOptions {
  readonly username: string;
  readonly bank: string;
  /** Initial deposit as a decimal string. Default "0.00". */
  readonly initial: string;
}

/** `strife register`: opens an account at a bank and creates the user. Does not log in. */
export async function register(ctx: Context, options: RegisterOptions): Promise<Result> {
  const bank = bankOption(options.bank, '--bank');
  const initialDeposit = amountOption(options.initial, '--initial', true);
  const password = await readPassword(options);
  const answer = await ask(
    ctx.gateway,
    (gateway) =>
      gateway.register({
        username: options.username,
        password,
        bank,
        initialDeposit,
      }),
    false,
  );
  return ok({ username: answer.username, account: answer.account }, [
    `registered ${answer.username} with account ${answer.account}; now run \`strife login\``,
  ]);
}
