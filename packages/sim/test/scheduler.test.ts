import { NodeClock } from '../src/engine/clock';
import { Incarnation } from '../src/engine/incarnation';
import { Scheduler } from '../src/engine/scheduler';

describe('Scheduler', () => {
  it('runs events by time, ties in the order they were scheduled', () => {
    const s = new Scheduler();
    const ran: string[] = [];
    s.after(5, () => ran.push('b@5'));
    s.after(1, () => ran.push('a@1'));
    s.after(5, () => ran.push('c@5'));
    s.after(0.2, () => ran.push('d@1'));
    while (s.step());
    expect(ran).toEqual(['a@1', 'd@1', 'b@5', 'c@5']);
    expect(s.now).toBe(5);
  });

  it('skips cancelled events and events of dead incarnations', () => {
    const s = new Scheduler();
    const life = new Incarnation('n', 1);
    const ran: string[] = [];
    s.after(1, () => ran.push('cancelled')).cancel();
    s.after(2, () => ran.push('dead'), life);
    s.after(3, () => ran.push('alive'));
    life.kill();
    expect(s.peek()).toBe(3);
    while (s.step());
    expect(ran).toEqual(['alive']);
  });
});

describe('NodeClock', () => {
  it('reads the scheduler time plus skew and sleeps on simulated time', async () => {
    const s = new Scheduler();
    const clock = new NodeClock(s, new Incarnation('n', 1), 7);
    const t0 = clock.now();
    let woke = false;
    const slept = clock.sleep(100).then(() => {
      woke = true;
    });
    s.step();
    await slept;
    expect(woke).toBe(true);
    expect(clock.now() - t0).toBe(100);
  });

  it('rejects an aborted sleep with the signal reason and drops its timer', async () => {
    const s = new Scheduler();
    const clock = new NodeClock(s, new Incarnation('n', 1), 0);
    const controller = new AbortController();
    const reason = new Error('stop');
    const slept = clock.sleep(100, controller.signal);
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    expect(s.step()).toBe(false);
  });

  it('never wakes a sleep of a crashed life', () => {
    const s = new Scheduler();
    const life = new Incarnation('n', 1);
    const clock = new NodeClock(s, life, 0);
    void clock.sleep(10);
    life.kill();
    expect(s.step()).toBe(false);
  });
});
