import type { BankView, StatusView } from '../shared/api.js';
import { byId, byIdOf, clock, duration, fillRows, h, setText } from './dom.js';

/**
 * Two-phase commit: transactions in flight by state, the legs in doubt at each bank with their
 * age, stuck deliveries, the latest decisions and aborts by reason.
 */
export function renderTwoPhase(status: StatusView): void {
  const { twoPhase } = status;
  setText(byId('open-initiated'), String(twoPhase.openByState.INITIATED));
  setText(byId('open-commit'), String(twoPhase.openByState.COMMIT));
  setText(byId('open-abort'), String(twoPhase.openByState.ABORT));
  setText(
    byId('open-source'),
    twoPhase.source === null
      ? 'No gateway answers: the decision log cannot be read.'
      : `From ${twoPhase.source === 'gateway' ? 'the gateway' : `gateway ${twoPhase.source}`}'s decision log` +
          (twoPhase.openTruncated ? ' (its first 200 open transactions).' : '.'),
  );
  renderInDoubt(status.banks, status.inDoubtAfterMs);
  fillRows(
    byIdOf('open-body', HTMLTableSectionElement),
    twoPhase.open.map((t) =>
      h(
        'tr',
        {},
        h('td', { class: 'num' }, t.txid),
        h('td', {}, t.state),
        h('td', {}, t.owner ?? 'none'),
        h('td', { class: 'num' }, duration(t.ageMs)),
      ),
    ),
    'Nothing in flight.',
  );
  fillRows(
    byIdOf('stuck-body', HTMLTableSectionElement),
    twoPhase.stuck.map((s) =>
      h(
        'tr',
        {},
        h('td', { class: 'num' }, s.txid),
        h('td', {}, `${s.bank} ${s.leg}`),
        h('td', {}, s.decision),
        h('td', { class: 'num' }, s.attempts),
        h('td', {}, s.error),
      ),
    ),
    'No stuck deliveries.',
  );
  fillRows(
    byIdOf('recent-body', HTMLTableSectionElement),
    twoPhase.recent.map((d) =>
      h(
        'tr',
        {},
        h('td', { class: 'num' }, d.txid),
        h('td', {}, h('span', { class: `badge decision-${d.decision.toLowerCase()}` }, d.decision)),
        h('td', {}, d.cause ?? ''),
        h('td', {}, clock(d.decidedAt)),
      ),
    ),
    'No decisions yet.',
  );
  const causes = Object.entries(status.traffic.abortsByCause).sort((a, b) => b[1] - a[1]);
  fillRows(
    byIdOf('aborts-body', HTMLTableSectionElement),
    causes.map(([cause, count]) =>
      h('tr', {}, h('td', {}, cause), h('td', { class: 'num' }, count)),
    ),
    status.traffic.scraped.length === 0 ? 'No gateway metrics read.' : 'No aborts.',
  );
}

function renderInDoubt(banks: readonly BankView[], inDoubtAfterMs: number): void {
  const legs = banks.flatMap((b) => b.legs.map((leg) => ({ bank: b.name, ...leg })));
  legs.sort((a, b) => b.ageMs - a.ageMs);
  const total = banks.reduce((sum, b) => sum + (b.inDoubtLegs ?? 0), 0);
  const unknown = banks.filter((b) => b.inDoubtLegs === null).map((b) => b.name);
  const count = byId('in-doubt-total');
  setText(count, String(total));
  count.dataset.count = String(total);
  setText(
    byId('in-doubt-note'),
    `A leg is PREPARED from its bank's YES vote until the decision reaches it; past ${duration(inDoubtAfterMs)} the bank asks the coordinator.` +
      (unknown.length > 0 ? ` Not known for ${unknown.join(', ')} (unreachable).` : ''),
  );
  fillRows(
    byIdOf('in-doubt-body', HTMLTableSectionElement),
    legs.map((leg) =>
      h(
        'tr',
        { class: leg.overdue ? 'overdue' : null },
        h('td', {}, leg.bank),
        h('td', { class: 'num' }, leg.txid),
        h('td', {}, leg.leg),
        h(
          'td',
          {},
          leg.toAccountNo === null ? leg.accountNo : `${leg.accountNo} → ${leg.toAccountNo}`,
        ),
        h('td', { class: 'num' }, leg.amount),
        h('td', { class: 'num' }, duration(leg.ageMs) + (leg.overdue ? ' (asking)' : '')),
      ),
    ),
    'No legs in doubt.',
  );
}
