import { Writable } from 'node:stream';
import { Ledger, type LegRecord } from '@strife/ledger';
import type { BankServiceImplementation } from '@strife/protocol';
import {
  bounded,
  type CallLog,
  type CallLogContext,
  createLogger,
  type Logger,
} from '@strife/runtime';
import type { CallContext } from 'nice-grpc-common';
import { bankService } from '../src/bankService';

/** SBI's test books: Bob 2001 has 1000.00, Dave 2002 has 50.00. */
export const BOOKS = [
  { accountNo: '2001', holder: 'Bob', balance: 100_000n },
  { accountNo: '2002', holder: 'Dave', balance: 5_000n },
];

/** A logger whose JSON lines the test can read back. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ name: 'bank-test', level: 'debug', pretty: false, destination });
  return {
    logger,
    lines: () =>
      out
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A call context with a call log whose fields the test reads (with `requestId`, as sent). */
export function callContext(requestId?: string): {
  context: CallContext & CallLogContext;
  fields: Record<string, unknown>;
} {
  const fields: Record<string, unknown> = requestId === undefined ? {} : { requestId };
  const callLog: CallLog = {
    // As the call-logging middleware does: every field bounded.
    annotate: (more) => {
      for (const [name, value] of Object.entries(more)) fields[name] = bounded(value);
    },
    requestId,
  };
  return { context: { callLog } as unknown as CallContext & CallLogContext, fields };
}

export interface InProcessBank {
  readonly ledger: Ledger;
  readonly service: BankServiceImplementation<CallLogContext>;
  /** Failpoints hit so far, in order. */
  readonly hits: string[];
  readonly lines: () => Record<string, unknown>[];
}

/** The bank's service over in-memory books, called directly (no server, no TLS). */
export function inProcessBank(): InProcessBank {
  const ledger = Ledger.open(':memory:');
  ledger.importSeed(BOOKS);
  const hits: string[] = [];
  const failpoints = {
    hit(name: string) {
      hits.push(name);
      return Promise.resolve();
    },
    fail(name: string) {
      hits.push(name);
    },
  };
  const { logger, lines } = capturingLogger();
  return { ledger, service: bankService(ledger, failpoints, logger), hits, lines };
}

/** Every leg record, newest first, without its timestamps (two ledgers' clocks differ). */
export function legsOf(ledger: Ledger): Omit<LegRecord, 'createdAt' | 'updatedAt'>[] {
  return ledger
    .listTransactions({ limit: 1000 })
    .records.map(({ createdAt: _created, updatedAt: _updated, ...rest }) => rest);
}
