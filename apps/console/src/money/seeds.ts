import { readFileSync } from 'node:fs';
import { InvalidArgument } from '@strife/domain';
// The bank's own seed parser, so the console reads a seed exactly as the bank imports it.
// (`@strife/ledger` does not export it from its index yet.)
import { parseSeedCsv } from '@strife/ledger/dist/seedCsv';
import { ConfigError, type StrifeConfig } from '@strife/runtime';

/** What the seed CSVs put in the books: the sum of their balances and how many accounts. */
export interface SeedTotals {
  readonly money: bigint;
  readonly accounts: number;
}

/**
 * Reads every bank's seed CSV (`banks[i].seed`, imported by the bank on its first start) and
 * sums it. A bank without a seed starts empty.
 * @throws ConfigError naming the bank's seed setting when a file cannot be read or parsed (the
 *   bank itself refuses to start on such a file).
 */
export function seedTotals(config: Pick<StrifeConfig, 'banks'>): SeedTotals {
  let money = 0n;
  let accounts = 0;
  config.banks.forEach((bank, index) => {
    if (bank.seedFile === undefined) return;
    let text: string;
    try {
      text = readFileSync(bank.seedFile, 'utf8');
    } catch (err) {
      throw new ConfigError(
        `banks.${index}.seed: cannot read ${bank.seedFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    try {
      for (const row of parseSeedCsv(text, bank.seedFile)) {
        money += row.balance;
        accounts += 1;
      }
    } catch (err) {
      if (err instanceof InvalidArgument)
        throw new ConfigError(`banks.${index}.seed: ${err.message}`);
      throw err;
    }
  });
  return { money, accounts };
}
