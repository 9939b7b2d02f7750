import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  bankFromEnv,
  ConfigError,
  gatewayAddresses,
  gatewayFromEnv,
  loadConfig,
  repoRoot,
} from '../src';
import { tempDir } from './helpers';

const root = repoRoot();
const valid = {
  txid: { address: '127.0.0.1:50051' },
  gateway: { address: '127.0.0.1:50052', prepareTimeoutMs: 5000, commitTimeoutMs: 5000 },
  banks: [
    { name: 'ICICI', address: '127.0.0.1:50061', seed: 'seed/ICICI.csv' },
    { name: 'SBI', address: '127.0.0.1:50062', seed: 'seed/SBI.csv' },
  ],
  users: 'seed/users.json',
};

describe('loadConfig', () => {
  const dir = tempDir('config');
  afterAll(() => dir.remove());

  function write(name: string, content: unknown): string {
    const path = join(dir.path, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  function errorFor(content: unknown): string {
    const file = write('bad.json', content);
    try {
      loadConfig({ STRIFE_CONFIG: file }, dir.path);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).not.toContain('\n');
      return message;
    }
    throw new Error('expected a ConfigError');
  }

  it('reads the repository cluster file with defaults resolved against the repository root', () => {
    const config = loadConfig({}, '/');
    expect(config.configFile).toBe(join(root, 'config/cluster.json'));
    expect(config.dataDir).toBe(join(root, 'var'));
    expect(config.certsDir).toBe(join(root, 'certs'));
    expect(config.logLevel).toBe('info');
    expect(config.banks.map((b) => b.name)).toEqual(['ICICI', 'SBI']);
    expect(config.banks[1]?.seedFile).toBe(join(root, 'config/seed/SBI.csv'));
    expect(config.usersFile).toBe(join(root, 'config/seed/users.json'));
    expect(config.gateway.prepareTimeoutMs).toBe(5000);
  });

  it('resolves environment paths against the working directory and file paths against the file', () => {
    const file = write('cluster.json', valid);
    const config = loadConfig(
      {
        STRIFE_CONFIG: 'cluster.json',
        STRIFE_DATA_DIR: 'data',
        STRIFE_CERTS_DIR: '/abs/certs',
        LOG_LEVEL: 'debug',
      },
      dir.path,
    );
    expect(config.configFile).toBe(file);
    expect(config.dataDir).toBe(join(dir.path, 'data'));
    expect(config.certsDir).toBe('/abs/certs');
    expect(config.logLevel).toBe('debug');
    expect(config.banks[0]?.seedFile).toBe(join(dir.path, 'seed/ICICI.csv'));
  });

  it('fills gateway timings and recovery timing when the file leaves them out', () => {
    const file = write('defaults.json', { ...valid, gateway: { address: '127.0.0.1:1' } });
    const config = loadConfig({ STRIFE_CONFIG: file }, dir.path);
    expect(config.gateway).toEqual({
      instances: [{ name: 'gateway', address: '127.0.0.1:1' }],
      database: undefined,
      databaseSetting: 'gateway.database',
      leaseMs: 3000,
      loginThrottle: { windowMs: 900_000, perUserAndAddress: 5, perAddress: 50, perUser: 20 },
      prepareTimeoutMs: 5000,
      commitTimeoutMs: 5000,
      sessionIdleMs: 1_800_000,
      sessionTtlMs: 43_200_000,
      idempotencyRetentionMs: 2_592_000_000,
    });
    expect(config.recovery).toEqual({ inDoubtAfterMs: 10000, intervalMs: 1000 });
  });

  it('reads recovery timing from the file', () => {
    const file = write('recovery.json', {
      ...valid,
      gateway: { ...valid.gateway, prepareTimeoutMs: 200 },
      recovery: { inDoubtAfterMs: 300, intervalMs: 50 },
    });
    expect(loadConfig({ STRIFE_CONFIG: file }, dir.path).recovery).toEqual({
      inDoubtAfterMs: 300,
      intervalMs: 50,
    });
  });

  it.each([
    ['a missing file', undefined, /cannot read cluster file: not found/],
    ['invalid JSON', '{ "txid": ', /not valid JSON/],
    ['a missing section', { ...valid, txid: undefined }, /: txid: /],
    [
      'a malformed address',
      { ...valid, txid: { address: 'localhost' } },
      /txid\.address: expected HOST:PORT/,
    ],
    [
      'a port out of range',
      { ...valid, txid: { address: '127.0.0.1:70000' } },
      /txid\.address: port must be at most 65535/,
    ],
    [
      'a negative timeout',
      { ...valid, gateway: { ...valid.gateway, prepareTimeoutMs: -1 } },
      /gateway\.prepareTimeoutMs/,
    ],
    [
      'a lower-case bank name',
      { ...valid, banks: [{ name: 'sbi', address: '127.0.0.1:1' }] },
      /banks\.0\.name: expected an upper-case bank name/,
    ],
    ['no banks', { ...valid, banks: [] }, /banks: at least one bank is required/],
    [
      'a duplicate bank',
      { ...valid, banks: [valid.banks[0], valid.banks[0]] },
      /banks\.1\.name: duplicate bank ICICI/,
    ],
    ['an unknown key', { ...valid, gatway: {} }, /\(root\): .*gatway/],
    ['a wrong type', { ...valid, users: 42 }, /users: /],
    [
      'both gateway.address and gateway.instances',
      {
        ...valid,
        gateway: { address: '127.0.0.1:1', instances: [{ name: 'gw1', address: '127.0.0.1:2' }] },
      },
      /gateway\.instances: give either address \(one instance\) or instances, not both/,
    ],
    [
      'neither gateway.address nor gateway.instances',
      { ...valid, gateway: {} },
      /gateway: give either address/,
    ],
    [
      'an instance name with upper case',
      { ...valid, gateway: { instances: [{ name: 'GW1', address: '127.0.0.1:2' }] } },
      /gateway\.instances\.0\.name: expected lower-case letters, digits and -/,
    ],
    [
      'two instances with one name',
      {
        ...valid,
        gateway: {
          database: 'postgres://u@h/d',
          instances: [
            { name: 'gw1', address: '127.0.0.1:2' },
            { name: 'gw1', address: '127.0.0.1:3' },
          ],
        },
      },
      /gateway\.instances\.1\.name: duplicate instance gw1/,
    ],
    [
      'several instances at a host name',
      {
        ...valid,
        gateway: {
          database: 'postgres://u@h/d',
          instances: [
            { name: 'gw1', address: '127.0.0.1:2' },
            { name: 'gw2', address: 'gw2.example:3' },
          ],
        },
      },
      /gateway\.instances\.1\.address: with several instances, each address must be an IPv4 literal .*; got gw2\.example:3/,
    ],
    [
      'an in-doubt time within the prepare timeout',
      { ...valid, recovery: { inDoubtAfterMs: 5000 } },
      /recovery\.inDoubtAfterMs: must be longer than gateway\.prepareTimeoutMs \(5000\)/,
    ],
  ])('refuses %s with one line naming the field', (_what, content, pattern) => {
    if (content === undefined) {
      expect(() => loadConfig({ STRIFE_CONFIG: join(dir.path, 'absent.json') }, dir.path)).toThrow(
        pattern,
      );
      return;
    }
    expect(errorFor(content)).toMatch(pattern);
  });

  it('refuses an unknown LOG_LEVEL', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' }, dir.path)).toThrow(
      /LOG_LEVEL: "loud" is not one of/,
    );
  });

  it('finds the bank named by BANK_NAME and refuses a missing or unknown one', () => {
    const config = loadConfig({}, dir.path);
    expect(bankFromEnv(config, { BANK_NAME: 'SBI' }).address).toBe('127.0.0.1:50062');
    expect(() => bankFromEnv(config, {})).toThrow(/BANK_NAME: required/);
    expect(() => bankFromEnv(config, { BANK_NAME: 'HDFC' })).toThrow(
      /BANK_NAME: "HDFC" is not in .* \(ICICI, SBI\)/,
    );
  });

  it('picks the gateway instance GATEWAY_NAME names, and refuses a missing or unknown one', () => {
    const file = write('instances.json', {
      ...valid,
      gateway: {
        database: 'postgres://strife:secret@db.example/strife',
        instances: [
          { name: 'gw1', address: '127.0.0.1:50052' },
          { name: 'gw2', address: '127.0.0.1:50053' },
        ],
      },
    });
    const config = loadConfig({ STRIFE_CONFIG: file }, dir.path);
    expect(gatewayAddresses(config)).toEqual(['127.0.0.1:50052', '127.0.0.1:50053']);
    expect(gatewayFromEnv(config, { GATEWAY_NAME: 'gw2' })).toEqual({
      name: 'gw2',
      address: '127.0.0.1:50053',
    });
    expect(() => gatewayFromEnv(config, {})).toThrow(
      /^GATEWAY_NAME: required with several gateway instances \(gw1, gw2\)$/,
    );
    expect(() => gatewayFromEnv(config, { GATEWAY_NAME: 'gw3' })).toThrow(
      /^GATEWAY_NAME: "gw3" is not an instance in .* \(gw1, gw2\)$/,
    );
    const overridden = loadConfig(
      { STRIFE_CONFIG: file, STRIFE_DATABASE_URL: 'postgres://other@h/x' },
      dir.path,
    );
    expect(overridden.gateway).toMatchObject({
      database: 'postgres://other@h/x',
      databaseSetting: 'STRIFE_DATABASE_URL',
    });
  });

  it('refuses several gateway instances without a database to share', () => {
    const file = write('nodb.json', {
      ...valid,
      gateway: {
        instances: [
          { name: 'gw1', address: '127.0.0.1:50052' },
          { name: 'gw2', address: '127.0.0.1:50053' },
        ],
      },
    });
    const config = loadConfig({ STRIFE_CONFIG: file }, dir.path);
    expect(() => gatewayFromEnv(config, { GATEWAY_NAME: 'gw1' })).toThrow(
      /^gateway\.database: required with several gateway instances/,
    );
  });

  it('makes a process exit with code 2 and one line on stderr', () => {
    const file = write('exit.json', { ...valid, gateway: { address: 'nowhere' } });
    const cli = resolve(__dirname, '../dist/certs/cli.js');
    const run = spawnSync(process.execPath, [cli], {
      env: { ...process.env, STRIFE_CONFIG: file, STRIFE_CERTS_DIR: join(dir.path, 'certs') },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^certs: config error: .*gateway\.address: expected HOST:PORT/);
  });
});
