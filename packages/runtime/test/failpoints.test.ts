import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { InjectedFault, parseFailpoints } from '../src';

describe('failpoints', () => {
  it('does nothing when unset or for names not armed', async () => {
    await expect(parseFailpoints(undefined).hit('bank.after-prepare-log')).resolves.toBeUndefined();
    await expect(
      parseFailpoints('other:hang').hit('bank.after-prepare-log'),
    ).resolves.toBeUndefined();
  });

  it('delays, and fires only on the named hit when given @N', async () => {
    const points = parseFailpoints('slow:delay=30@2');
    const timed = async () => {
      const started = Date.now();
      await points.hit('slow');
      return Date.now() - started;
    };
    expect(await timed()).toBeLessThan(25);
    expect(await timed()).toBeGreaterThanOrEqual(25);
    expect(await timed()).toBeLessThan(25);
  });

  it('fails a step with error: as an injected fault carrying the code it stands for, on a range of hits', async () => {
    const points = parseFailpoints('disk:error@2-3');
    const attempt = () => {
      try {
        points.fail('disk', { code: 'SQLITE_IOERR_WRITE' });
        return 'ok';
      } catch (err) {
        return err instanceof InjectedFault ? `${err.failpoint} ${err.code ?? ''}` : 'other';
      }
    };
    expect([1, 2, 3, 4].map(() => attempt())).toEqual([
      'ok',
      'disk SQLITE_IOERR_WRITE',
      'disk SQLITE_IOERR_WRITE',
      'ok',
    ]);
    await expect(parseFailpoints('step:error').hit('step')).rejects.toBeInstanceOf(InjectedFault);
    expect(() => parseFailpoints('slow:delay=5').fail('slow')).not.toThrow();
  });

  it('never returns from hang', async () => {
    const outcome = await Promise.race([
      parseFailpoints('stuck:hang')
        .hit('stuck')
        .then(() => 'returned'),
      new Promise((done) => setTimeout(() => done('still hanging'), 50)),
    ]);
    expect(outcome).toBe('still hanging');
  });

  it('kills the process with SIGKILL on exit', () => {
    const lib = resolve(__dirname, '../dist/failpoints.js');
    const script = `require(${JSON.stringify(lib)}).parseFailpoints('crash:exit').hit('crash').then(() => console.log('survived'))`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.signal).toBe('SIGKILL');
    expect(run.stdout).toBe('');
  });

  it.each(['nocolon', 'a:explode', 'a:delay=', 'a:exit@x', 'A:exit'])(
    'refuses the malformed entry %j',
    (spec) => {
      expect(() => parseFailpoints(spec)).toThrow(/^STRIFE_FAILPOINTS: /);
    },
  );
});
