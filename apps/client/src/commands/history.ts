import type { Context } from '../context';
import { ask, withToken } from '../gatewayClient';
import { intOption } from '../input';
import { ok, type Result } from '../output';
import { historyJson, paymentLine, type PaymentView, viewOfWire } from '../paymentView';

export interface HistoryOptions {
  /** How many payments, newest first. Default "20". */
  readonly limit: string;
}

const MAX_LIMIT = 10_000;
/** The gateway's largest page. */
const MAX_PAGE = 1000;

/** `strife history`: the signed-in user's payments at the gateway, newest first, paged. */
export async function history(ctx: Context, options: HistoryOptions): Promise<Result> {
  const limit = intOption(options.limit, '--limit', 1, MAX_LIMIT);
  const session = ctx.requireSession();
  const payments: PaymentView[] = [];
  let pageToken = '';
  do {
    const pageSize = Math.min(limit - payments.length, MAX_PAGE);
    const page = await ask(ctx.gateway, (gateway) =>
      gateway.listPayments({ pageSize, pageToken }, withToken(session.token)),
    );
    payments.push(...page.payments.map(viewOfWire));
    pageToken = page.payments.length > 0 ? page.nextPageToken : '';
  } while (pageToken !== '' && payments.length < limit);

  const shown = payments.slice(0, limit);
  const text = shown.map((view) => `${view.at?.toISOString() ?? '-'}  ${paymentLine(view)}`);
  return ok({ payments: shown.map(historyJson) }, text.length > 0 ? text : ['no payments yet']);
}
