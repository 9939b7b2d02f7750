import type { BankView, ConservationView } from '../shared/api.js';
import { byId, byIdOf, duration, fillRows, h, setText } from './dom.js';

/** Each bank's books: accounts, balance, held, incoming, and what is in doubt. */
export function renderBanks(banks: readonly BankView[]): void {
  fillRows(
    byIdOf('banks-body', HTMLTableSectionElement),
    banks.map((b) =>
      h(
        'tr',
        { 'data-bank': b.name, 'data-status': b.status, 'data-in-doubt-legs': b.inDoubtLegs ?? '' },
        h('th', { scope: 'row' }, b.name),
        h('td', {}, h('span', { class: `badge state-${b.status.toLowerCase()}` }, b.status)),
        h('td', { class: 'num' }, b.accounts ?? '–'),
        h('td', { class: 'num', 'data-field': 'balance' }, b.balance ?? '–'),
        h('td', { class: 'num' }, b.held ?? '–'),
        h('td', { class: 'num' }, b.incoming ?? '–'),
        h(
          'td',
          { class: 'num' },
          b.inDoubtLegs === null
            ? '–'
            : b.inDoubtLegs === 0
              ? 'none'
              : `${b.inDoubtLegs} ${b.inDoubtLegs === 1 ? 'leg' : 'legs'}, ${b.inDoubt ?? '–'}` +
                (b.oldestInDoubtMs === null ? '' : `, oldest ${duration(b.oldestInDoubtMs)}`),
        ),
      ),
    ),
    'No banks in the cluster file.',
  );
}

/** The conservation line: green while money is conserved, red with the difference when not. */
export function renderConservation(c: ConservationView): void {
  const line = byId('conservation');
  line.className = `conservation ${c.state.toLowerCase()}${c.settling ? ' settling' : ''}`;
  line.dataset.state = c.state;
  const last =
    c.state === 'HOLDS' ? 'conserved' : c.state === 'BROKEN' ? 'NOT conserved' : 'unknown';
  const verdict = c.settling
    ? `Re-checking the books (last verdict: ${last}).`
    : c.state === 'HOLDS'
      ? `Money is conserved: ${c.actual ?? c.expected} in the banks, ${c.expected} expected.`
      : c.state === 'BROKEN'
        ? `Money is NOT conserved: ${c.actual ?? '?'} in the banks, ${c.expected} expected — difference ${c.difference ?? '?'}.`
        : 'Conservation cannot be checked right now.';
  setText(byId('conservation-verdict'), verdict);
  setText(byId('conservation-detail'), c.detail);
  setText(
    byId('conservation-basis'),
    `Expected = seeds ${c.seeded} + observed deposits ${c.deposits}; actual = balances + money between banks (${c.inFlight ?? '–'}).`,
  );
}
