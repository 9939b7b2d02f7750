import { PassThrough } from 'node:stream';
import { readPassword } from '../src/password';

/** A fake terminal: stdin that records raw mode, stderr that records what was written. */
function terminal(): {
  source: { stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream };
  raw: boolean[];
  shown: () => string;
  type: (text: string) => void;
} {
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream & PassThrough;
  const raw: boolean[] = [];
  Object.assign(stdin, {
    isTTY: true,
    setRawMode: (on: boolean) => {
      raw.push(on);
      return stdin;
    },
  });
  const stderr = new PassThrough();
  let written = '';
  stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return {
    source: { stdin, stderr: stderr as unknown as NodeJS.WriteStream },
    raw,
    shown: () => written,
    type: (text) => stdin.write(text),
  };
}

describe('readPassword', () => {
  it('reads a typed password without echoing it, honouring backspace', async () => {
    const tty = terminal();
    const read = readPassword({}, tty.source);
    tty.type('secret-pa');
    tty.type('x\u007fss\r');
    await expect(read).resolves.toBe('secret-pass');
    expect(tty.shown()).toBe('password: \n');
    expect(tty.raw).toEqual([true, false]);
  });

  it('stops on Ctrl-C with a usage error, leaving raw mode', async () => {
    const tty = terminal();
    const read = readPassword({}, tty.source);
    tty.type('abc\u0003');
    await expect(read).rejects.toThrow('cancelled');
    expect(tty.raw).toEqual([true, false]);
  });

  it('takes the first line of stdin with --password-stdin', async () => {
    const tty = terminal();
    const read = readPassword({ passwordStdin: true }, tty.source);
    tty.type('from-a-pipe\r\nsecond line\n');
    await expect(read).resolves.toBe('from-a-pipe');
    expect(tty.shown()).toBe('');
  });
});
