import { Status } from 'nice-grpc-common';
import { classify, STATUS_CLASS } from '../src/statusClass';

describe('the gRPC status classification', () => {
  const statuses = Object.values(Status).filter((v): v is Status => typeof v === 'number');

  it('has exactly one row for every status', () => {
    expect(statuses).toHaveLength(17);
    expect(
      Object.keys(STATUS_CLASS)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([...statuses].sort((a, b) => a - b));
    for (const status of statuses) expect(classify(status)).toBeDefined();
  });

  it('retries what an unreachable or busy gateway answers, and nothing the request caused', () => {
    const retried = statuses.filter((s) => classify(s).retry === 'later').map((s) => Status[s]);
    expect(retried.sort()).toEqual(
      [
        'ABORTED',
        'CANCELLED',
        'DEADLINE_EXCEEDED',
        'INTERNAL',
        'RESOURCE_EXHAUSTED',
        'UNAVAILABLE',
        'UNKNOWN',
      ].sort(),
    );
    for (const s of [
      Status.INVALID_ARGUMENT,
      Status.PERMISSION_DENIED,
      Status.NOT_FOUND,
      Status.FAILED_PRECONDITION,
      Status.ALREADY_EXISTS,
    ]) {
      expect(classify(s).retry).toBe('never');
    }
  });

  it('keeps an unauthenticated payment for the next login', () => {
    expect(classify(Status.UNAUTHENTICATED)).toEqual({
      retry: 'after-login',
      exitCode: 4,
      offline: false,
    });
  });

  it('marks only an unreachable or silent gateway as offline', () => {
    const offline = statuses.filter((s) => classify(s).offline).map((s) => Status[s]);
    expect(offline.sort()).toEqual(['DEADLINE_EXCEEDED', 'UNAVAILABLE']);
  });

  it('maps bad input to exit 2, refusals to 1, credentials to 4 and the rest to 5', () => {
    const exit = (s: Status) => classify(s).exitCode;
    expect(exit(Status.INVALID_ARGUMENT)).toBe(2);
    expect(exit(Status.OUT_OF_RANGE)).toBe(2);
    expect(exit(Status.NOT_FOUND)).toBe(1);
    expect(exit(Status.ALREADY_EXISTS)).toBe(1);
    expect(exit(Status.FAILED_PRECONDITION)).toBe(1);
    expect(exit(Status.PERMISSION_DENIED)).toBe(4);
    expect(exit(Status.UNAUTHENTICATED)).toBe(4);
    expect(exit(Status.UNAVAILABLE)).toBe(5);
    expect(exit(Status.INTERNAL)).toBe(5);
  });
});
