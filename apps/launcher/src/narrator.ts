import { BOLD, GREEN, paint, RED } from './colour';

/** How the demo speaks: plain lines, chapter titles, and checks that fail the demo. */
export class Narrator {
  constructor(
    /** Whether to colour the output. */
    readonly colour: boolean,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  /** One line. */
  say(line = ''): void {
    this.write(`${line}\n`);
  }

  /** A chapter's title, after a blank line. */
  step(title: string): void {
    this.say(`\n${paint(BOLD, `== ${title}`, this.colour)}`);
  }

  /** Says `what` with a tick if `ok`; fails the demo (it exits 1) otherwise. */
  check(ok: boolean, what: string): void {
    if (!ok) throw new Error(`demo check failed: ${what}`);
    this.say(`   ${paint(GREEN, '✓', this.colour)} ${what}`);
  }

  /** Polls `condition` every 100 ms until it holds; fails the demo after `timeoutMs`. */
  async until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) {
        throw new Error(`${paint(RED, 'timed out', this.colour)} waiting for ${what}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
