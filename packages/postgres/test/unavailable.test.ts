import { DatabaseUnavailable, isDatabaseUnavailable } from '../src';

const socketError = (code: string, syscall = 'connect'): Error =>
  Object.assign(new Error(`${syscall} ${code} 127.0.0.1:5432`), { code, syscall });
const serverError = (code: string): Error =>
  Object.assign(new Error(`server said ${code}`), { code, severity: 'FATAL' });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a DatabaseUnavailable', new DatabaseUnavailable('down', 'not-committed')],
    ['connection refused', socketError('ECONNREFUSED')],
    ['connection reset', socketError('ECONNRESET', 'read')],
    ['a host that cannot be resolved now', socketError('EAI_AGAIN', 'getaddrinfo')],
    ['a missing unix socket', socketError('ENOENT')],
    ['every address refused', new AggregateError([socketError('ECONNREFUSED')], 'all failed')],
    ['the server shutting down', serverError('57P01')],
    ['the server starting up', serverError('57P03')],
    ['a statement timeout', serverError('57014')],
    ['too many connections', serverError('53300')],
    ['a lost connection', serverError('08006')],
    ['an idle-in-transaction timeout', serverError('25P03')],
    ['pg: terminated', new Error('Connection terminated unexpectedly')],
    ['pg: connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'pg: broken client',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['a wrapped cause', new Error('lookup failed', { cause: socketError('ECONNREFUSED') })],
  ])('is true for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', serverError('23505')],
    ['a syntax error', serverError('42601')],
    ['a failed password', serverError('28P01')],
    ['a serialization failure', serverError('40001')],
    ['a missing file', socketError('ENOENT', 'open')],
    ['a plain error', new Error('refused')],
    ['a non-error', 'ECONNREFUSED'],
  ])('is false for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('wraps another error, keeping it as the cause and saying whether the write may have committed', () => {
    const cause = serverError('57P01');
    const lost = DatabaseUnavailable.from(cause, 'unknown');
    expect(lost).toMatchObject({ code: 'DATABASE_UNAVAILABLE', outcome: 'unknown', cause });
    expect(lost.message).toMatch(/may or may not have committed: server said 57P01/);
    expect(DatabaseUnavailable.from(lost, 'unknown')).toBe(lost);
    expect(DatabaseUnavailable.from(lost, 'not-committed').outcome).toBe('not-committed');
  });
});
