import type { PaymentQuery } from '../cluster/lookup';

const UINT64_MAX = 18_446_744_073_709_551_615n;
const MAX_KEY = 255;
const MAX_USERNAME = 64;

/**
 * Reads `?txid=N`, or `?key=K` with `&user=U` (the payer's username: keys are scoped to their
 * user, so it is needed only when several users used the key).
 * @returns the query, or a one-line message naming the parameter that is wrong.
 */
export function parsePaymentQuery(params: URLSearchParams): PaymentQuery | { error: string } {
  const txid = params.get('txid');
  const key = params.get('key');
  const user = params.get('user') ?? params.get('username');
  if (txid !== null && key !== null) return { error: 'give either txid or key, not both' };
  if (txid !== null) {
    const text = txid.trim();
    if (!/^\d{1,20}$/.test(text) || BigInt(text) === 0n || BigInt(text) > UINT64_MAX) {
      return { error: 'txid: expected a transaction id, a whole number from 1' };
    }
    return { txid: BigInt(text) };
  }
  if (key !== null) {
    if (key === '' || key.length > MAX_KEY)
      return { error: `key: expected 1 to ${MAX_KEY} characters` };
    if (user !== null && user.length > MAX_USERNAME) {
      return { error: `user: at most ${MAX_USERNAME} characters` };
    }
    return { username: user?.trim() ?? '', key };
  }
  return { error: 'give txid, or key (and user)' };
}
