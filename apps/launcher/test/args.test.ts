import { MAX_GATEWAYS, parseDemoArgs, parseStartArgs } from '../src/args';
import { colourEnabled } from '../src/colour';

/** Parses with output captured instead of printed. */
function start(argv: string[]) {
  let out = '';
  let err = '';
  const parsed = parseStartArgs(argv, {
    out: (text) => (out += text),
    err: (text) => (err += text),
  });
  return { parsed, out, err };
}

describe('pnpm start arguments', () => {
  it('runs the cluster file as it is, without restarts, when given nothing', () => {
    expect(start([]).parsed).toEqual({
      kind: 'run',
      options: { gateways: undefined, restart: false, metrics: false },
    });
  });

  it('takes --gateways and --restart, also after the `--` pnpm may pass along', () => {
    const expected = { kind: 'run', options: { gateways: 3, restart: true, metrics: false } };
    expect(start(['--gateways', '3', '--restart']).parsed).toEqual(expected);
    expect(start(['--', '--restart', '--gateways=3']).parsed).toEqual(expected);
    expect(start(['--metrics']).parsed).toEqual({
      kind: 'run',
      options: { gateways: undefined, restart: false, metrics: true },
    });
  });

  it.each([['0'], ['-1'], ['2.5'], ['three'], [String(MAX_GATEWAYS + 1)]])(
    'refuses --gateways %s with one line on stderr and exit 2',
    (value) => {
      const { parsed, err } = start(['--gateways', value]);
      expect(parsed).toEqual({ kind: 'exit', code: 2 });
      expect(err).toContain(`expected a whole number from 1 to ${MAX_GATEWAYS}`);
      expect(err.trimEnd().split('\n')).toHaveLength(1);
    },
  );

  it('refuses an unknown option or argument with exit 2', () => {
    expect(start(['--gateway', '2']).parsed).toEqual({ kind: 'exit', code: 2 });
    expect(start(['now']).parsed).toEqual({ kind: 'exit', code: 2 });
  });

  it('prints help naming every option and exits 0', () => {
    const { parsed, out } = start(['--help']);
    expect(parsed).toEqual({ kind: 'exit', code: 0 });
    for (const word of ['--gateways <n>', '--restart', 'STRIFE_DATABASE_URL', 'NO_COLOR']) {
      expect(out).toContain(word);
    }
  });
});

describe('pnpm demo arguments', () => {
  const quiet = { out: () => undefined, err: () => undefined };

  it('runs with no arguments, prints help with --help and refuses anything else', () => {
    expect(parseDemoArgs([], quiet)).toEqual({ kind: 'run', options: {} });
    expect(parseDemoArgs(['--help'], quiet)).toEqual({ kind: 'exit', code: 0 });
    expect(parseDemoArgs(['--gateways', '2'], quiet)).toEqual({ kind: 'exit', code: 2 });
  });
});

describe('colour', () => {
  it('is on only for a terminal, and off whenever NO_COLOR is set to something', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({}, {})).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    // https://no-color.org: an empty NO_COLOR does not count.
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
