/** ANSI colours for process prefixes and levels; empty strings when colour is off. */
const PALETTE = [
  '\u001b[36m',
  '\u001b[35m',
  '\u001b[33m',
  '\u001b[32m',
  '\u001b[34m',
  '\u001b[96m',
];
const RESET = '\u001b[0m';
const LEVELS: Record<number, { name: string; colour: string }> = {
  10: { name: 'TRACE', colour: '\u001b[90m' },
  20: { name: 'DEBUG', colour: '\u001b[90m' },
  30: { name: 'INFO ', colour: '\u001b[32m' },
  40: { name: 'WARN ', colour: '\u001b[33m' },
  50: { name: 'ERROR', colour: '\u001b[31m' },
  60: { name: 'FATAL', colour: '\u001b[41m' },
};
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

export function paint(colour: string, text: string, enabled: boolean): string {
  return enabled ? `${colour}${text}${RESET}` : text;
}

export function colourFor(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '';
}

export const RED = '\u001b[31;1m';
export const BOLD = '\u001b[1m';

/**
 * One child's output line for a human: pino JSON becomes `time LEVEL msg key=value…`; anything
 * else passes through.
 */
export function formatLine(line: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || typeof entry.level !== 'number') return line;
  const level = LEVELS[entry.level] ?? { name: String(entry.level), colour: '' };
  const time =
    typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const fields = Object.entries(entry)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const msg = typeof entry.msg === 'string' ? entry.msg : '';
  return `${time} ${paint(level.colour, level.name, colour)} ${msg}${fields ? ` ${fields}` : ''}`;
}
