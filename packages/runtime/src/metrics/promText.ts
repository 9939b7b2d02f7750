/** One series' value in a Prometheus text exposition. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * Parses the Prometheus text format (version 0.0.4, as prom-client writes it): one sample per
 * line, `name{label="value",…} value [timestamp]`, with `#` comments and blank lines skipped.
 * Label values may escape `\\`, `\"` and `\n`; values may be `+Inf`, `-Inf` or `NaN`. A line that
 * does not parse is skipped rather than failing the whole scrape.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (sample) samples.push(sample);
  }
  return samples;
}

function parseLine(line: string): Sample | undefined {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return undefined;
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest.slice(1), labels);
    if (parsed === undefined) return undefined;
    rest = parsed;
  }
  const [valueText] = rest.trim().split(/\s+/);
  const value = parseValue(valueText ?? '');
  return value === undefined ? undefined : { name, labels, value };
}

/** Reads `l="v",…}` into `labels`; returns the text after the `}`, or undefined if malformed. */
function parseLabels(text: string, labels: Record<string, string>): string | undefined {
  let rest = text.trimStart();
  for (;;) {
    if (rest.startsWith('}')) return rest.slice(1);
    const label = LABEL_NAME.exec(rest)?.[0];
    if (label === undefined) return undefined;
    rest = rest.slice(label.length).trimStart();
    if (!rest.startsWith('="')) return undefined;
    let value = '';
    let i = 2;
    for (; i < rest.length && rest[i] !== '"'; i++) {
      const c = rest.charAt(i);
      if (c === '\\') {
        const next = rest.charAt(++i);
        value += next === 'n' ? '\n' : next;
      } else {
        value += c;
      }
    }
    if (i >= rest.length) return undefined;
    labels[label] = value;
    rest = rest.slice(i + 1).trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
  }
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** The samples named `name` whose labels include every pair in `match`. */
export function select(
  samples: readonly Sample[],
  name: string,
  match: Readonly<Record<string, string>> = {},
): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
}
