import { CliError } from '../src/exitCodes';
import { accountOption, amountOption, bankOption, intOption, keyOption } from '../src/input';
import { splitWords } from '../src/commands/shell';

/** The usage error `parse` throws: exit 2 and a message naming the option. */
function refusal(parse: () => unknown): { exitCode: number; message: string } {
  try {
    parse();
  } catch (err) {
    if (err instanceof CliError) return { exitCode: err.exitCode, message: err.message };
    throw err;
  }
  throw new Error('expected a usage error');
}

describe('command-line input', () => {
  it('parses amounts to minor units', () => {
    expect(amountOption('100', '--amount')).toBe(10_000n);
    expect(amountOption('100.5', '--amount')).toBe(10_050n);
    expect(amountOption('0.01', '--amount')).toBe(1n);
    expect(amountOption('0', '--initial', true)).toBe(0n);
  });

  it.each([
    ['abc', /^--amount: "abc" is not an amount like 100 or 100\.50$/],
    ['1.001', /^--amount: "1\.001" is not an amount/],
    ['-5', /^--amount: "-5" is not an amount/],
    ['1e3', /^--amount: "1e3" is not an amount/],
    [' 1', /^--amount: " 1" is not an amount/],
    ['', /^--amount: "" is not an amount/],
    ['0', /^--amount: must be greater than zero$/],
    ['0.00', /^--amount: must be greater than zero$/],
    ['99999999999999999999', /^--amount: .* is too large$|is not an amount/],
  ])('refuses the amount %j with exit 2 naming the option', (text, message) => {
    const { exitCode, message: got } = refusal(() => amountOption(text, '--amount'));
    expect(exitCode).toBe(2);
    expect(got).toMatch(message);
  });

  it('checks accounts, banks, keys and counts', () => {
    expect(accountOption('SBI:2001', '--to')).toBe('SBI:2001');
    expect(refusal(() => accountOption('sbi:2001', '--to')).message).toMatch(/^--to: "sbi"/);
    expect(refusal(() => accountOption('SBI:20a1', '--to')).message).toMatch(/^--to: "20a1"/);
    expect(bankOption('ICICI', '--bank')).toBe('ICICI');
    expect(refusal(() => bankOption('icici', '--bank')).message).toMatch(/^--bank: "icici"/);
    expect(keyOption('k-1', '--key')).toBe('k-1');
    expect(keyOption(undefined, '--key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(refusal(() => keyOption('', '--key')).message).toBe(
      '--key: must be 1 to 255 characters',
    );
    expect(refusal(() => keyOption('x'.repeat(256), '--key')).exitCode).toBe(2);
    expect(refusal(() => keyOption('has space', '--key')).message).toBe(
      '--key: must be printable ASCII without spaces',
    );
    expect(intOption('20', '--limit', 1, 100)).toBe(20);
    for (const bad of ['0', '101', '2.5', '-1', 'ten']) {
      expect(refusal(() => intOption(bad, '--limit', 1, 100)).message).toMatch(/^--limit: /);
    }
  });

  it('splits shell lines into words, keeping quoted spaces', () => {
    expect(splitWords('  pay --to SBI:2001   --amount 5 ')).toEqual([
      'pay',
      '--to',
      'SBI:2001',
      '--amount',
      '5',
    ]);
    expect(splitWords(`login --password "two words" --username 'a b'`)).toEqual([
      'login',
      '--password',
      'two words',
      '--username',
      'a b',
    ]);
    expect(splitWords('pay --key ""')).toEqual(['pay', '--key', '']);
    expect(refusal(() => splitWords('pay "open')).exitCode).toBe(2);
  });
});
