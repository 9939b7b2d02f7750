import type { Ledger } from '@strife/ledger';
import { legKindToWire, type OpsServiceImplementation } from '@strife/protocol';
import { type CallLogContext, STRIFE_VERSION } from '@strife/runtime';
import { Counter, Gauge, type Registry } from 'prom-client';
import { legRecordToWire } from './wire';

/** How many PREPARED legs a status lists at most. */
const PREPARED_LIMIT = 200;

type Books = Pick<Ledger, 'totals' | 'inDoubt' | 'legsOf'>;

/**
 * The bank's OpsService (monitor role only): its accounts, the money on them, held for debits
 * and reserved for incoming credits, its PREPARED legs with their age, and one txid's legs.
 */
export function bankOpsService(
  bank: string,
  ledger: Books,
  serving: () => boolean,
): OpsServiceImplementation<CallLogContext> {
  const startedAt = new Date();
  return {
    getStatus() {
      const now = Date.now();
      const totals = ledger.totals();
      const prepared = ledger.inDoubt(0);
      return Promise.resolve({
        service: 'bank',
        name: bank,
        version: STRIFE_VERSION,
        startedAt,
        serving: serving(),
        bank: {
          accounts: BigInt(totals.accounts),
          totalBalance: totals.balance,
          totalHeld: totals.held,
          totalIncoming: totals.incoming,
          preparedCount: prepared.length,
          prepared: prepared.slice(0, PREPARED_LIMIT).map((leg) => ({
            txid: leg.txid,
            leg: legKindToWire(leg.leg),
            accountNo: leg.accountNo,
            toAccountNo: leg.toAccountNo ?? '',
            amount: leg.amount,
            ageMs: BigInt(Math.max(0, now - leg.createdAt.getTime())),
          })),
        },
      });
    },
    lookupPayment(request, context) {
      context.callLog.annotate({ txid: request.txid.toString() });
      return Promise.resolve({
        username: '',
        legs: request.txid === 0n ? [] : ledger.legsOf(request.txid).map(legRecordToWire),
      });
    },
  };
}

/**
 * The bank's own series, read from the books at scrape time: PREPARED legs and the age of the
 * oldest, those past the in-doubt threshold, held and incoming money, the total balance; and
 * in-doubt legs the resolver had to skip. Nothing is computed on a payment's path.
 */
export function bankMetrics(
  registry: Registry,
  ledger: Books,
  inDoubtAfterMs: number,
): { readonly resolveFailed: () => void } {
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  };
  const preparedAges = (): number[] => {
    const now = Date.now();
    return ledger.inDoubt(0).map((leg) => (now - leg.createdAt.getTime()) / 1000);
  };
  gauge(
    'strife_bank_prepared_legs',
    'Legs PREPARED (voted YES, not yet committed or aborted).',
    () => ledger.inDoubt(0).length,
  );
  gauge(
    'strife_bank_in_doubt_legs',
    'PREPARED legs older than the in-doubt threshold: the coordinator is being asked about them.',
    () => ledger.inDoubt(inDoubtAfterMs).length,
  );
  gauge(
    'strife_bank_oldest_prepared_seconds',
    'Age of the oldest PREPARED leg (0 when none).',
    () => Math.max(0, ...preparedAges()),
  );
  gauge(
    'strife_bank_held_minor_units',
    'Money held for PREPARED debits and transfers, in minor units.',
    () => Number(ledger.totals().held),
  );
  gauge(
    'strife_bank_incoming_minor_units',
    'Money reserved for PREPARED credits and transfers, in minor units.',
    () => Number(ledger.totals().incoming),
  );
  gauge(
    'strife_bank_balance_minor_units',
    'The sum of every account balance, in minor units.',
    () => Number(ledger.totals().balance),
  );
  gauge('strife_bank_accounts', 'Accounts at this bank.', () => ledger.totals().accounts);
  const failures = new Counter({
    name: 'strife_bank_resolve_failures_total',
    help: 'In-doubt legs the resolver could not settle in a pass (each also logged at error level).',
    registers: [registry],
  });
  return { resolveFailed: () => failures.inc() };
}
