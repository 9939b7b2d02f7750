import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { clusterCertSpecs } from '../src/certs/clusterCerts';
import { ensureCertificates } from '../src/certs/ensureCertificates';
import { tempDir } from './helpers';

// Every way to start a process is recorded and fails, under both names of the module, for this
// file and everything it loads: issuing certificates must not need openssl or any other program.
jest.mock('node:child_process', () => failingChildProcess());
jest.mock('child_process', () => failingChildProcess());

/** A function, not a constant: jest hoists the mocks above every other statement of the file. */
function launchers(): string[] {
  return ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];
}

function failingChildProcess(): Record<string, unknown> {
  const actual = jest.requireActual<Record<string, unknown>>('node:child_process');
  const failing = launchers().map((name): [string, jest.Mock] => [
    name,
    jest.fn(() => {
      throw new Error(`${name}: certificates must be issued without starting a process`);
    }),
  ]);
  return { ...actual, ...Object.fromEntries(failing) };
}

describe('ensureCertificates on a machine without openssl', () => {
  const dir = tempDir('no-openssl');
  const path = process.env.PATH;
  beforeAll(() => {
    process.env.PATH = '';
  });
  afterAll(() => {
    if (path === undefined) delete process.env.PATH;
    else process.env.PATH = path;
    dir.remove();
  });

  it('issues a whole cluster with an empty PATH and without starting any process', () => {
    const certs = join(dir.path, 'certs');
    const specs = clusterCertSpecs({
      txid: { address: '127.0.0.1:50051' },
      gateway: {
        instances: [
          { name: 'gw1', address: '127.0.0.1:50052' },
          { name: 'gw2', address: '127.0.0.1:50053' },
        ],
      },
      banks: [{ name: 'SBI', address: '127.0.0.1:50061' }],
    });

    const result = ensureCertificates(certs, specs);

    expect(result.created).toEqual([
      'ca',
      'txid',
      'gateway-gw1',
      'gateway-gw2',
      'bank-SBI',
      'client',
      'monitor',
    ]);
    expect(statSync(certs).mode & 0o777).toBe(0o700);
    const ca = new X509Certificate(readFileSync(join(certs, 'ca.pem')));
    const gw2 = new X509Certificate(readFileSync(join(certs, 'gateway-gw2.pem')));
    expect(gw2.checkIssued(ca) && gw2.verify(ca.publicKey)).toBe(true);
    for (const moduleName of ['node:child_process', 'child_process']) {
      const mocked = jest.requireMock<Record<string, jest.Mock>>(moduleName);
      for (const name of launchers()) expect(mocked[name]).not.toHaveBeenCalled();
    }
  });
});
