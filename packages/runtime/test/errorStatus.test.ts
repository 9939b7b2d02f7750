import * as domain from '@strife/domain';
import { ERROR_CODES, InsufficientFunds, InvalidArgument, StrifeError } from '@strife/domain';
import { TxIdServiceDefinition } from '@strife/protocol';
import { ServerError, Status } from 'nice-grpc-common';
import {
  createStrifeChannel,
  createStrifeClient,
  errorFacts,
  GRPC_STATUS_BY_CODE,
  toServerError,
} from '../src';
import { capturingLogger, txidPolicyServer } from './helpers';

/** Every class `@strife/domain` exports that is a concrete domain error. */
const errorClasses = Object.values(domain).filter(
  (value): value is typeof StrifeError =>
    typeof value === 'function' && value.prototype instanceof StrifeError,
);

describe('the error table', () => {
  it('maps every code to a status that is neither OK nor UNKNOWN', () => {
    expect(Object.keys(GRPC_STATUS_BY_CODE).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      expect([Status.OK, Status.UNKNOWN]).not.toContain(GRPC_STATUS_BY_CODE[code]);
    }
  });

  it('covers every exported error class, and each class has its own code', () => {
    const samples: StrifeError[] = [
      new InvalidArgument('amount', 'must be greater than zero'),
      new domain.UnknownAccount('SBI:9'),
      new InsufficientFunds('SBI:2001', 5n, 10n),
      new domain.UnknownLeg('7-debit'),
      new domain.LegStateConflict('7-debit', 'ABORTED', 'commit'),
      new domain.LegMismatch('7-debit', 'amount'),
      new domain.LegRefused('SBI', 'unknown transaction leg "7-debit"'),
      new domain.IdempotencyKeyReused('k1', ['amount']),
      new domain.IdempotencyKeyExpired('k1'),
      new domain.RequestInFlight('k1'),
      new domain.UnknownPayment('k1'),
      new domain.Unauthenticated('session expired'),
      new domain.InvalidCredentials(),
      new domain.NotAuthorized('not your account'),
      new domain.PeerNotAllowed('client may not call BankService'),
      new domain.TooManyAttempts(60_000),
      new domain.UsernameTaken('alice'),
      new domain.DependencyUnavailable('bank SBI unavailable'),
      new domain.Timeout('prepare timed out'),
      new domain.Internal('books out of balance'),
    ];
    expect(samples.map((e) => e.constructor).sort()).toEqual([...errorClasses].sort());
    const codes = samples.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(GRPC_STATUS_BY_CODE).toHaveProperty(code);
  });

  it('keeps ServerErrors, maps domain errors, and hides everything else behind INTERNAL', () => {
    const passthrough = new ServerError(Status.NOT_FOUND, 'gone');
    expect(toServerError(passthrough)).toBe(passthrough);
    expect(toServerError(new InvalidArgument('amount', 'must be greater than zero'))).toMatchObject(
      {
        code: Status.INVALID_ARGUMENT,
        details: 'amount: must be greater than zero',
      },
    );
    expect(toServerError(new domain.Internal('books out of balance by 5'))).toMatchObject({
      code: Status.INTERNAL,
      details: 'internal error',
    });
    expect(toServerError(new TypeError('x is undefined'))).toMatchObject({
      code: Status.INTERNAL,
      details: 'internal error',
    });
  });
});

describe('error mapping on a live server', () => {
  const { logger, lines } = capturingLogger();
  const { strife: server, tls, remove } = txidPolicyServer('errors', logger);
  server.server.add(TxIdServiceDefinition, {
    lease(request) {
      if (request.count === 1) throw new InsufficientFunds('SBI:2001', 5n, 10n);
      if (request.count === 3) throw new InvalidArgument('count', 'must be at most 1000');
      if (request.count === 4) throw new domain.TooManyAttempts(61_500);
      if (request.count === 5) throw new domain.IdempotencyKeyReused('k1', ['amount', 'payee']);
      throw new TypeError("Cannot read properties of undefined (reading 'secret')");
    },
  });
  let client: ReturnType<typeof createStrifeClient<typeof TxIdServiceDefinition>>;
  let close: () => void;

  beforeAll(async () => {
    const port = await server.listen('127.0.0.1:0');
    const channel = createStrifeChannel(`127.0.0.1:${port}`, {
      tls: tls('gateway'),
    });
    client = createStrifeClient(TxIdServiceDefinition, channel);
    close = () => channel.close();
  });
  afterAll(async () => {
    close();
    await server.shutdown();
    remove();
  });

  it('sends a domain error with its status and message', async () => {
    await expect(client.lease({ count: 1 })).rejects.toMatchObject({
      code: Status.FAILED_PRECONDITION,
      details: 'insufficient funds in SBI:2001: available 5, requested 10',
    });
  });

  it('names the domain code, the fields at fault and the wait in google.rpc details', async () => {
    const facts = (count: number) => client.lease({ count }).then(() => undefined, errorFacts);
    await expect(facts(1)).resolves.toEqual({ reason: 'INSUFFICIENT_FUNDS', fields: [] });
    await expect(facts(3)).resolves.toEqual({
      reason: 'INVALID_ARGUMENT',
      fields: [{ field: 'count', description: 'must be at most 1000' }],
    });
    await expect(facts(4)).resolves.toEqual({
      reason: 'TOO_MANY_ATTEMPTS',
      fields: [],
      retryAfterMs: 61_500,
    });
    await expect(facts(5)).resolves.toMatchObject({
      reason: 'IDEMPOTENCY_KEY_REUSED',
      fields: [{ field: 'amount' }, { field: 'payee' }],
    });
    // An error without details (not a domain error) has no facts.
    await expect(facts(2)).resolves.toEqual({ fields: [] });
  });

  it('sends an unexpected error as INTERNAL without its details, and logs them', async () => {
    await expect(client.lease({ count: 2 })).rejects.toMatchObject({
      code: Status.INTERNAL,
      details: 'internal error',
    });
    const logged = lines.find((l) => l.msg === 'unexpected error in handler');
    expect(JSON.stringify(logged)).toContain("reading 'secret'");
  });
});
