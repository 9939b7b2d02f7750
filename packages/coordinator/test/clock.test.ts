import { systemClock } from '../src';

describe('systemClock.sleep', () => {
  it('resolves after the time has passed', async () => {
    const started = Date.now();
    await systemClock.sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(19);
  });

  it("rejects at once with the signal's reason when aborted, before or during the sleep", async () => {
    const reason = new Error('stop');
    await expect(systemClock.sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });
});
