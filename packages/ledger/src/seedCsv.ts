import { InvalidArgument, parseAmount } from '@strife/domain';
import type { SeedRow } from './types';
import { assertAccountNo, assertDeposit, requireText } from './validate';

const HEADER = ['account_no', 'holder', 'balance'];

/**
 * Parses a bank's seed CSV: the header `account_no,holder,balance`, then one account per line
 * with the balance as a decimal string (`2500.50`, at most MAX_BALANCE). Fields may be double-quoted (`"Rao, Alice"`,
 * `""` for a quote); spaces around fields and blank lines are ignored. Anything malformed throws
 * `InvalidArgument` whose field names `source`, the 1-based line number and the column.
 */
export function parseSeedCsv(text: string, source: string): SeedRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: SeedRow[] = [];
  const firstLine = new Map<string, number>();
  let sawHeader = false;
  for (const [index, line] of lines.entries()) {
    const lineNo = index + 1;
    if (line.trim() === '') continue;
    const where = `${source} line ${lineNo}`;
    const fields = splitCsvLine(line, where);
    if (!sawHeader) {
      if (fields.join(',') !== HEADER.join(',')) {
        throw new InvalidArgument(where, `expected the header ${HEADER.join(',')}`);
      }
      sawHeader = true;
      continue;
    }
    const [accountNo, holder, balance] = fields;
    if (fields.length !== HEADER.length || accountNo === undefined || holder === undefined) {
      throw new InvalidArgument(where, `expected 3 fields, found ${fields.length}`);
    }
    assertAccountNo(accountNo, `${where} account_no`);
    const earlier = firstLine.get(accountNo);
    if (earlier !== undefined) {
      throw new InvalidArgument(
        `${where} account_no`,
        `${accountNo} is already on line ${earlier}`,
      );
    }
    firstLine.set(accountNo, lineNo);
    const amount = parseAmount(balance ?? '', `${where} balance`);
    assertDeposit(amount, `${where} balance`);
    rows.push({ accountNo, holder: requireText(holder, `${where} holder`), balance: amount });
  }
  if (!sawHeader) throw new InvalidArgument(`${source} line 1`, 'the file is empty');
  return rows;
}

/** Splits one CSV line into trimmed fields; a malformed quoted field throws naming `where`. */
function splitCsvLine(line: string, where: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    const comma = nextComma(line, i);
    let field = line.slice(i, comma).trim();
    if (field.startsWith('"')) {
      const quoted = readQuoted(line, line.indexOf('"', i) + 1, where);
      field = quoted.value;
      const end = nextComma(line, quoted.end);
      if (line.slice(quoted.end, end).trim() !== '') {
        throw new InvalidArgument(where, 'has text after a closing quote');
      }
      i = end;
    } else {
      i = comma;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++;
  }
}

function nextComma(line: string, from: number): number {
  const at = line.indexOf(',', from);
  return at === -1 ? line.length : at;
}

/** Reads a quoted field's content starting after its opening quote; `end` is past the closing one. */
function readQuoted(line: string, start: number, where: string): { value: string; end: number } {
  let value = '';
  let i = start;
  for (;;) {
    const quote = line.indexOf('"', i);
    if (quote === -1) throw new InvalidArgument(where, 'has an unterminated quote');
    value += line.slice(i, quote);
    if (line[quote + 1] !== '"') return { value, end: quote + 1 };
    value += '"';
    i = quote + 2;
  }
}
