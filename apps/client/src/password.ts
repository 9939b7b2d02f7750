import { usageError } from './exitCodes';

/** Where a password may come from, as a command's options give it. */
export interface PasswordOptions {
  readonly password?: string;
  readonly passwordStdin?: boolean;
}

/** What reading a password needs from the process: testable without a terminal. */
export interface PasswordSource {
  readonly stdin: NodeJS.ReadStream;
  readonly stderr: NodeJS.WriteStream;
}

/**
 * The password: `--password` (visible to every user of the machine in the process list, so
 * discouraged), `--password-stdin` (the first line of stdin), or typed at a hidden prompt when
 * stdin is a terminal. Anything else is a usage error naming the options.
 */
export async function readPassword(
  options: PasswordOptions,
  source: PasswordSource = { stdin: process.stdin, stderr: process.stderr },
): Promise<string> {
  if (options.password !== undefined && options.passwordStdin === true) {
    throw usageError('give either --password or --password-stdin, not both');
  }
  if (options.password !== undefined) return options.password;
  if (options.passwordStdin === true) return firstLine(source.stdin);
  if (!source.stdin.isTTY) {
    throw usageError('--password-stdin (or --password) is required when stdin is not a terminal');
  }
  return hiddenPrompt(source);
}

/** The first line of `stream` (without its line ending). */
function firstLine(stream: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (): void => {
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('error', reject);
      stream.pause();
      resolve(text.split(/\r?\n/)[0] ?? '');
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (text.includes('\n')) done();
    };
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', reject);
    stream.resume();
  });
}

/** Asks on stderr and reads one line from a terminal without echoing it. */
function hiddenPrompt({ stdin, stderr }: PasswordSource): Promise<string> {
  stderr.write('password: ');
  stdin.setRawMode(true);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          finish();
          return;
        }
        if (char === '\u0003') {
          finish(usageError('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
