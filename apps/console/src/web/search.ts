import type { ErrorView, PaymentView } from '../shared/api.js';
import { byId, byIdOf, clock, h } from './dom.js';

/**
 * The search box: a txid, or an idempotency key with its username, finds the payment, its
 * decision and each leg at each bank (`GET /api/payments`).
 */
export function initSearch(): void {
  const form = byIdOf('search', HTMLFormElement);
  const output = byId('payment');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const field = (name: string): string => {
      const value = data.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const params = new URLSearchParams();
    if (field('txid') !== '') params.set('txid', field('txid'));
    else {
      params.set('key', field('key'));
      params.set('user', field('user'));
    }
    output.replaceChildren(h('p', { class: 'note' }, 'Looking…'));
    void find(params).then((node) => {
      output.replaceChildren(node);
    });
  });
}

async function find(params: URLSearchParams): Promise<Node> {
  try {
    const response = await fetch(`/api/payments?${params.toString()}`);
    const body = (await response.json()) as PaymentView | ErrorView;
    if ('error' in body) return h('p', { class: 'error', role: 'alert' }, body.error);
    return paymentDetails(body);
  } catch (err) {
    return h('p', { class: 'error', role: 'alert' }, `The console did not answer: ${String(err)}`);
  }
}

function paymentDetails(p: PaymentView): Node {
  const row = (term: string, value: string | null): Node[] => [
    h('dt', {}, term),
    h('dd', {}, value ?? '–'),
  ];
  return h(
    'article',
    { class: 'payment', 'data-txid': p.txid, 'data-status': p.status ?? '' },
    h(
      'h3',
      {},
      `Payment ${p.txid}: `,
      h(
        'span',
        { class: `badge status-${(p.status ?? 'unknown').toLowerCase()}` },
        p.status ?? 'unknown',
      ),
    ),
    h(
      'dl',
      { class: 'facts' },
      ...row('Payer', p.payer),
      ...row('Payee', p.payee),
      ...row('Amount', p.amount),
      ...row('User', p.username),
      ...row('Key', p.key),
      ...row('Created', clock(p.createdAt)),
      ...row(
        'Decision',
        p.decision
          ? `${p.decision.decision ?? 'none yet'} (log: ${p.decision.state}${p.decision.owner ? `, owner ${p.decision.owner}` : ''})`
          : 'no longer in the decision log',
      ),
      ...(p.reason || p.decision?.cause
        ? row('Reason', p.reason ?? p.decision?.cause ?? null)
        : []),
    ),
    h(
      'table',
      { class: 'legs' },
      h('caption', {}, 'Legs at each bank'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Bank', 'Leg', 'Account', 'Amount', 'State', 'Updated'].map((c) =>
            h('th', { scope: 'col' }, c),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...(p.legs.length === 0
          ? [
              h(
                'tr',
                {},
                h('td', { colspan: 6, class: 'empty' }, 'No bank has a leg of this payment.'),
              ),
            ]
          : p.legs.map((leg) =>
              h(
                'tr',
                { 'data-bank': leg.bank, 'data-state': leg.state },
                h('th', { scope: 'row' }, leg.bank),
                h('td', {}, leg.leg),
                h(
                  'td',
                  {},
                  leg.toAccountNo === null
                    ? leg.accountNo
                    : `${leg.accountNo} → ${leg.toAccountNo}`,
                ),
                h('td', { class: 'num' }, leg.amount),
                h(
                  'td',
                  {},
                  h('span', { class: `badge leg-${leg.state.toLowerCase()}` }, leg.state),
                ),
                h('td', {}, clock(leg.updatedAt)),
              ),
            )),
      ),
    ),
    p.unreachable.length > 0
      ? h('p', { class: 'note' }, `Could not ask: ${p.unreachable.join(', ')}.`)
      : null,
  );
}
