import { GREEN, GREY, paint, RED, YELLOW } from './colour';

const LEVELS: Readonly<Record<number, { readonly name: string; readonly style: string }>> = {
  10: { name: 'TRACE', style: GREY },
  20: { name: 'DEBUG', style: GREY },
  30: { name: 'INFO ', style: GREEN },
  40: { name: 'WARN ', style: YELLOW },
  50: { name: 'ERROR', style: RED },
  60: { name: 'FATAL', style: '\u001b[41m' },
};
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** The pino level of a JSON log line (30 = info), or undefined for any other line. */
export function levelOf(line: string): number | undefined {
  const level = /"level":(\d+)/.exec(line)?.[1];
  return level === undefined ? undefined : Number(level);
}

/**
 * One child's output line for a human: pino JSON becomes `time LEVEL msg key=value…`; anything
 * else passes through.
 */
export function formatLine(line: string, colour: boolean): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null) return line;
  const fieldsOf = entry as Record<string, unknown>;
  if (typeof fieldsOf.level !== 'number') return line;
  const level = LEVELS[fieldsOf.level] ?? { name: String(fieldsOf.level), style: '' };
  const time =
    typeof fieldsOf.time === 'number' ? new Date(fieldsOf.time).toISOString().slice(11, 23) : '';
  const fields = Object.entries(fieldsOf)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const msg = typeof fieldsOf.msg === 'string' ? fieldsOf.msg : '';
  return `${time} ${paint(level.style, level.name, colour)} ${msg}${fields ? ` ${fields}` : ''}`;
}

/**
 * Whether `line` is a service's log of a successful OpsService call: the console asks every
 * service for its status every second, which would drown everything else in `pnpm start`'s
 * output. The services log those calls at info; this hides them from the prefixed output only.
 */
export function isRoutineOpsCall(line: string): boolean {
  if (!line.includes('/strife.v1.OpsService/')) return false;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    return (
      entry.msg === 'call' &&
      typeof entry.method === 'string' &&
      entry.method.startsWith('/strife.v1.OpsService/') &&
      entry.status === 'OK'
    );
  } catch {
    return false;
  }
}
