import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('many transactions in flight', () => {
  it('run without Node warnings (no listener-leak warning on the shared close signal)', () => {
    const child = spawnSync(process.execPath, [join(__dirname, 'fixtures', 'manyInFlight.js')], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect({ status: child.status, stdout: child.stdout, stderr: child.stderr }).toEqual({
      status: 0,
      stdout: 'done\n',
      stderr: '',
    });
  });
});
