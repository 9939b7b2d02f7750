import type { Context } from '../context';
import { ask } from '../gatewayClient';
import { ok, type Result } from '../output';
import { type PasswordOptions, readPassword } from '../password';
import { writeSession } from '../session';

export interface LoginOptions extends PasswordOptions {
  readonly username: string;
}

/**
 * `strife login`: exchanges the password for a session token, kept in `$STRIFE_HOME` readable
 * by the owner only. A running retrier picks the new session up on its next pass.
 */
export async function login(ctx: Context, options: LoginOptions): Promise<Result> {
  const password = await readPassword(options);
  const answer = await ask(
    ctx.gateway,
    (gateway) => gateway.login({ username: options.username, password }),
    false,
  );
  const expiresAt = (answer.expiresAt ?? new Date()).toISOString();
  writeSession(ctx.home, {
    token: answer.token,
    username: answer.username,
    account: answer.account,
    expiresAt,
  });
  const waiting = ctx.queue.list().filter((p) => p.username === answer.username).length;
  const note =
    waiting > 0
      ? [
          `${waiting} queued payment(s) will be sent by the retrier (\`strife daemon\` or \`strife shell\`)`,
        ]
      : [];
  return ok({ username: answer.username, account: answer.account, expiresAt }, [
    `logged in as ${answer.username} (${answer.account}) until ${expiresAt}`,
    ...note,
  ]);
}
