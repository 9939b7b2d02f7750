import { formatAmount } from '@strife/domain';
import type { Context } from '../context';
import { ask, withToken } from '../gatewayClient';
import { ok, type Result } from '../output';

/** `strife balance`: the signed-in user's balance and available (balance less holds). */
export async function balance(ctx: Context): Promise<Result> {
  const session = ctx.requireSession();
  const answer = await ask(ctx.gateway, (gateway) =>
    gateway.getBalance({ account: '' }, withToken(session.token)),
  );
  const amounts = {
    balance: formatAmount(answer.balance),
    available: formatAmount(answer.available),
  };
  return ok({ account: answer.account, ...amounts }, [
    `${answer.account}: balance ${amounts.balance}, available ${amounts.available}`,
  ]);
}
