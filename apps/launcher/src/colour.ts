/** ANSI styles for `paint`. */
export const BOLD = '\u001b[1m';
export const RED = '\u001b[31;1m';
export const GREEN = '\u001b[32m';
export const YELLOW = '\u001b[33m';
export const GREY = '\u001b[90m';
const RESET = '\u001b[0m';

/** Colours that tell processes apart by their prefix. */
const PALETTE = [
  '\u001b[36m',
  '\u001b[35m',
  '\u001b[33m',
  '\u001b[32m',
  '\u001b[34m',
  '\u001b[96m',
];

/**
 * Whether to colour what goes to `stream`: only on a terminal, and never when `NO_COLOR` is set
 * to anything but the empty string (https://no-color.org) or the terminal is `dumb`.
 */
export function colourEnabled(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** `text` in `style` (e.g. `BOLD`) when `enabled`; `text` unchanged otherwise. */
export function paint(style: string, text: string, enabled: boolean): string {
  return enabled && style !== '' ? `${style}${text}${RESET}` : text;
}

/** The prefix colour of the `index`-th process, cycling through a palette. */
export function colourFor(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '';
}
