import { formatAmount } from '@strife/domain';
import type { ConservationView } from '../shared/api';
import type { BooksReading } from './books';
import type { SeedTotals } from './seeds';

/**
 * Checks DESIGN's first invariant — the money in all the banks changes only by registration
 * deposits — from the console's successive readings of the books (`countMoney`).
 *
 * Expected is what was put in: the seed CSVs' totals (read from the cluster file's seeds, as the
 * banks import them) plus the opening deposits of accounts registered since. No service reports
 * deposits (a bank knows only its own openings, the gateway only per user), so the console
 * observes them: when the books hold more accounts than at the last agreement and more money
 * than expected, and the same reading comes twice in a row, the surplus is taken as those
 * accounts' deposits. Actual is the sum of every balance plus committed money in flight between
 * its debit and its credit.
 *
 * Services are read one after another within a pass, so a payment that commits between two reads
 * can make one reading differ. A difference therefore counts only once the same reading comes
 * twice in a row; until then the last confirmed verdict stands and the view says `settling`.
 *
 * What this cannot see: money created by a fault at the same time as a registration (it would
 * pass as a deposit), and losses from before the console started are only caught when the books
 * hold no registered accounts yet (then they must equal the seeds exactly).
 */
export class Conservation {
  private expected: bigint;
  private deposits = 0n;
  private agreedAccounts: number;
  private last: { actual: bigint; accounts: number } | undefined;
  private verdict: 'HOLDS' | 'BROKEN' | undefined;

  constructor(private readonly seeded: SeedTotals) {
    this.expected = seeded.money;
    this.agreedAccounts = seeded.accounts;
  }

  /** Takes one pass's reading and says whether money is conserved. */
  observe(reading: BooksReading): ConservationView {
    if (!reading.known) {
      return this.view('UNKNOWN', false, undefined, `Cannot check: ${reading.reason}.`);
    }
    const actual = reading.balances + reading.inFlight;
    const stable = this.last?.actual === actual && this.last.accounts === reading.accounts;
    this.last = { actual, accounts: reading.accounts };
    const difference = actual - this.expected;
    if (difference === 0n) {
      this.agreedAccounts = reading.accounts;
      this.verdict = 'HOLDS';
    } else if (stable && difference > 0n && reading.accounts > this.agreedAccounts) {
      this.deposits += difference;
      this.expected = actual;
      this.agreedAccounts = reading.accounts;
      this.verdict = 'HOLDS';
    } else if (stable) {
      this.verdict = 'BROKEN';
    } else {
      return this.view(
        this.verdict ?? 'UNKNOWN',
        true,
        reading,
        'Re-checking: the books changed while they were read.',
      );
    }
    return this.view(this.verdict, false, reading, this.sentence(actual, reading.inFlight));
  }

  private sentence(actual: bigint, inFlight: bigint): string {
    const moving = inFlight === 0n ? '' : ` (${formatAmount(inFlight)} of it between banks)`;
    if (actual === this.expected) {
      return `The banks hold ${formatAmount(actual)}${moving}: the seeds plus ${formatAmount(this.deposits)} of deposits.`;
    }
    return `The banks hold ${formatAmount(actual)}${moving}, but ${formatAmount(this.expected)} was put in: ${formatAmount(actual - this.expected)} unaccounted for.`;
  }

  private view(
    state: ConservationView['state'],
    settling: boolean,
    reading: Extract<BooksReading, { known: true }> | undefined,
    detail: string,
  ): ConservationView {
    const actual = reading ? reading.balances + reading.inFlight : undefined;
    return {
      ok: state === 'HOLDS',
      state,
      settling,
      expected: formatAmount(this.expected),
      actual: actual === undefined ? null : formatAmount(actual),
      difference: actual === undefined ? null : formatAmount(actual - this.expected),
      inFlight: reading ? formatAmount(reading.inFlight) : null,
      seeded: formatAmount(this.seeded.money),
      deposits: formatAmount(this.deposits),
      detail,
    };
  }
}
