import { DEFAULTS, parseOptions, USAGE, UsageError } from '../src/options';

describe('parseOptions', () => {
  it('has the documented defaults', () => {
    expect(parseOptions([])).toEqual(DEFAULTS);
  });

  it('takes --flag value and --flag=value', () => {
    expect(
      parseOptions(['--duration', '20', '--concurrency=8', '--same-bank', '0.5', '--json']),
    ).toMatchObject({ durationS: 20, concurrency: 8, channels: 4, sameBank: 0.5, json: true });
  });

  it('runs one client on one channel when sequential', () => {
    expect(parseOptions(['--sequential', '--concurrency', '64'])).toMatchObject({
      sequential: true,
      concurrency: 1,
      channels: 1,
    });
  });

  it('measures the transport floor with the load flags that apply to it', () => {
    expect(parseOptions(['--floor', '--concurrency', '16', '--duration=5'])).toMatchObject({
      floor: true,
      concurrency: 16,
      durationS: 5,
    });
  });

  it('runs several gateways on PostgreSQL, one on SQLite unless asked', () => {
    expect(parseOptions(['--gateways', '3'])).toMatchObject({ gateways: 3, database: 'postgres' });
    expect(parseOptions(['--database=postgres'])).toMatchObject({
      gateways: 1,
      database: 'postgres',
    });
    expect(parseOptions(['--gateways', '1'])).toMatchObject({ database: 'sqlite' });
  });

  it('prints every option in its help, and reads -h and --help', () => {
    expect(parseOptions(['--help'])).toMatchObject({ help: true });
    expect(parseOptions(['-h'])).toMatchObject({ help: true });
    for (const flag of ['--accounts', '--gateways <n>', '--database <kind>', '--floor', '--json']) {
      expect(USAGE).toContain(flag);
    }
    expect(USAGE).toContain('Exit code:');
  });

  it.each([
    [['--bogus'], "unknown option '--bogus'"],
    [['--gateways', '2', '--database', 'sqlite'], 'several need --database postgres'],
    [['--database', 'mysql'], "'mysql' is invalid. Allowed choices are sqlite, postgres"],
    [['--floor', '--gateways', '2'], '--floor calls no cluster: --gateways does not apply'],
    [['--gateways', '0'], '--gateways: must be between 1 and 8'],
    [['--floor', '--profile'], '--floor calls no cluster: --profile does not apply'],
    [
      ['--accounts', '10', '--floor', '--same-bank', '0.5'],
      '--floor calls no cluster: --accounts, --same-bank do not apply',
    ],
    [['--duration'], "option '--duration <s>' argument missing"],
    [['--accounts', '1'], '--accounts: must be between 2 and 100000'],
    [['--concurrency', '2.5'], '--concurrency: "2.5" is not a whole number'],
    [['--same-bank', '-1'], '--same-bank: "-1" is not a number'],
    [['--accounts', '3', '--same-bank', '0.1'], '--same-bank needs --accounts 4 or more'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
