import {
  CrashLoop,
  DEFAULT_RESTART_POLICY,
  describeCrash,
  type RestartPolicy,
} from '../src/crashLoop';

const SECOND = 1000;

describe('CrashLoop: when a crashed service is restarted, and when restarting gives up', () => {
  it('waits 1 s after a first crash, then twice as long per crash (jitter scales each wait down to half)', () => {
    const highest = new CrashLoop(DEFAULT_RESTART_POLICY, () => 0.999_999);
    const lowest = new CrashLoop(DEFAULT_RESTART_POLICY, () => 0);
    const delays = (loop: CrashLoop) =>
      [0, 1, 2, 3].map((i) => {
        const decision = loop.crashed(i * SECOND);
        return decision.action === 'restart' ? decision.delayMs : -1;
      });
    expect(delays(highest)).toEqual([1000, 2000, 4000, 8000]);
    // Never below the first delay, whatever the jitter.
    expect(delays(lowest)).toEqual([1000, 1000, 2000, 4000]);
  });

  it('gives up at the fifth crash within a minute', () => {
    const loop = new CrashLoop();
    const decisions = [0, 5, 10, 20, 40].map((s) => loop.crashed(s * SECOND));
    expect(decisions.map((d) => d.action)).toEqual([
      'restart',
      'restart',
      'restart',
      'restart',
      'give-up',
    ]);
    expect(decisions.at(-1)).toEqual({ action: 'give-up', crashes: 5 });
  });

  it('forgets crashes older than the window: a service that crashes now and then always comes back after 1 s', () => {
    const loop = new CrashLoop(DEFAULT_RESTART_POLICY, () => 0.999_999);
    for (let minute = 0; minute < 20; minute++) {
      expect(loop.crashed(minute * 61 * SECOND)).toEqual({
        action: 'restart',
        delayMs: 1000,
        crashes: 1,
      });
    }
  });

  it('counts only the crashes inside the window', () => {
    const loop = new CrashLoop(DEFAULT_RESTART_POLICY, () => 0.999_999);
    [0, 1, 2, 3].forEach((s) => loop.crashed(s * SECOND));
    // 60 s after the first two crashes they no longer count: this is crash 3 of the window.
    expect(loop.crashed(61 * SECOND)).toEqual({ action: 'restart', delayMs: 4000, crashes: 3 });
  });

  it('caps the wait at 30 s when the policy allows many crashes', () => {
    const policy: RestartPolicy = {
      ...DEFAULT_RESTART_POLICY,
      maxCrashes: 100,
      windowMs: 3_600_000,
    };
    const loop = new CrashLoop(policy, () => 0.999_999);
    const waits = Array.from({ length: 10 }, (_, i) => loop.crashed(i * SECOND));
    expect(waits.map((d) => (d.action === 'restart' ? d.delayMs : -1))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('says each decision in one line', () => {
    const restart = describeCrash('bank-SBI', 'code 1', {
      action: 'restart',
      delayMs: 2000,
      crashes: 2,
    });
    expect(restart).toBe(
      'bank-SBI died (code 1); restarting in 2.0 s (crash 2 within 60 s; giving up at 5)',
    );
    const giveUp = describeCrash('gateway-gw2', 'signal SIGKILL', {
      action: 'give-up',
      crashes: 5,
    });
    expect(giveUp).toBe(
      'gateway-gw2 died (signal SIGKILL): 5 crashes within 60 s, giving up and stopping the cluster',
    );
    expect(`${restart}${giveUp}`).not.toContain('\n');
  });
});
