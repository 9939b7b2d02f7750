/** One call-tree node of a V8 CPU profile: a function at one place in the call stack. */
export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    /** Empty for native code (a C++ binding such as better-sqlite3's `run`, a V8 builtin). */
    readonly url: string;
    /** Zero-based, as are columns. */
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly children?: readonly number[];
  readonly hitCount?: number;
}

/**
 * The fields read here of a V8 CPU profile, as `node --cpu-prof` writes it or the inspector's
 * `Profiler.stop` returns it (whose type leaves `samples` and `timeDeltas` optional). Times are
 * microseconds of the monotonic clock, the one `process.hrtime` reads.
 */
export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  /** The node on top of the stack at each sample, in time order. */
  readonly samples?: readonly number[];
  /** Microseconds from the previous sample (for the first: from `startTime`). */
  readonly timeDeltas?: readonly number[];
}

/** Where a sample's time went: a library, the runtime, Strife's own code, or nowhere (idle). */
export type Category =
  | 'idle'
  | 'sqlite'
  | 'grpc'
  | 'http2'
  | 'tls'
  | 'protobuf'
  | 'logging'
  | 'gc'
  | 'strife'
  | 'node'
  | 'other';

/** Order among categories of equal share, so summaries do not depend on map order. */
const CATEGORIES: readonly Category[] = [
  'idle',
  'sqlite',
  'grpc',
  'http2',
  'tls',
  'protobuf',
  'logging',
  'gc',
  'strife',
  'node',
  'other',
];

/** Self time of one process over the window, by component and by function. */
export interface ProfileSummary {
  /** Samples inside the window. */
  readonly samples: number;
  /** Length in ms of the window the profile covers: the window clipped to the profile's span. */
  readonly durationMs: number;
  /** Share (0..1) of the in-window samples per category, sorted by share, descending; only categories > 0. */
  readonly categories: readonly { readonly name: Category; readonly share: number }[];
  /** The heaviest functions by self time, at most `top` of them: label and share (0..1). */
  readonly top: readonly { readonly label: string; readonly share: number }[];
}

/**
 * The component a script `url` belongs to. Libraries are matched before Strife's own folders
 * (a library under `packages/…/node_modules` is the library's) and before the generic `node:`.
 */
export function urlCategory(url: string): Category {
  if (url.includes('better-sqlite3') || url.includes('/packages/sqlite/')) return 'sqlite';
  if (url.includes('@grpc/grpc-js') || url.includes('nice-grpc')) return 'grpc';
  if (url.startsWith('node:internal/http2') || url.startsWith('node:http2')) return 'http2';
  if (TLS_PREFIXES.some((prefix) => url.startsWith(prefix))) return 'tls';
  if (
    url.includes('@bufbuild/protobuf') ||
    url.includes('/protocol/dist/gen/') ||
    url.includes('/protocol/src/gen/')
  ) {
    return 'protobuf';
  }
  // sonic-boom and thread-stream are pino's writers.
  if (url.includes('pino') || url.includes('sonic-boom') || url.includes('thread-stream')) {
    return 'logging';
  }
  if (!url.includes('/node_modules/') && /\/(apps|packages|bench)\//.test(url)) return 'strife';
  if (url.startsWith('node:')) return 'node';
  return 'other';
}

const TLS_PREFIXES = [
  'node:tls',
  'node:_tls',
  'node:internal/tls',
  'node:internal/crypto',
  'node:crypto',
];

/**
 * Where the window's samples spent their time, by the function on top of the stack (self time).
 * Native frames have no url, so they are charged to the nearest caller that has one: the time
 * better-sqlite3 spends in C++ counts as sqlite, not as an anonymous native. `window` is in the
 * profile's clock (microseconds, both ends included); without it every sample counts. Shares
 * are of all in-window samples, idle included, so the categories sum to 1.
 */
export function summarizeProfile(
  profile: CpuProfile,
  window?: { fromUs: number; toUs: number },
  top = 12,
): ProfileSummary {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const fromUs = window?.fromUs ?? Number.NEGATIVE_INFINITY;
  const toUs = window?.toUs ?? Number.POSITIVE_INFINITY;

  const hitsByNode = new Map<number, number>();
  let total = 0;
  let at = profile.startTime;
  for (const [i, id] of samples.entries()) {
    at += deltas[i] ?? 0;
    if (at < fromUs || at > toUs) continue;
    hitsByNode.set(id, (hitsByNode.get(id) ?? 0) + 1);
    total++;
  }

  const tree = new CallTree(profile.nodes);
  const byCategory = new Map<Category, number>();
  const byLabel = new Map<string, number>();
  for (const [id, hits] of hitsByNode) {
    const { category, label } = tree.describe(id);
    byCategory.set(category, (byCategory.get(category) ?? 0) + hits);
    if (category !== 'idle') byLabel.set(label, (byLabel.get(label) ?? 0) + hits);
  }

  const categories = CATEGORIES.flatMap((name) => {
    const hits = byCategory.get(name) ?? 0;
    return hits > 0 ? [{ name, share: hits / total }] : [];
  }).sort((a, b) => b.share - a.share); // stable: ties keep CATEGORIES order
  const heaviest = [...byLabel]
    .sort(([labelA, a], [labelB, b]) => b - a || (labelA < labelB ? -1 : labelA > labelB ? 1 : 0))
    .slice(0, Math.max(0, top))
    .map(([label, hits]) => ({ label, share: hits / total }));

  const spanUs = Math.min(toUs, profile.endTime) - Math.max(fromUs, profile.startTime);
  return { samples: total, durationMs: Math.max(0, spanUs) / 1000, categories, top: heaviest };
}

/**
 * Report lines for one process: busy share and categories on the first, then up to five of
 * its heaviest functions. Whole percents for categories, tenths for functions.
 */
export function formatSummary(name: string, summary: ProfileSummary): string[] {
  const head = `  ${name.padEnd(16)}`;
  if (summary.samples === 0) return [`${head}no samples in the window`];
  const idle = summary.categories.find((c) => c.name === 'idle')?.share ?? 0;
  const parts = [`busy ${wholePercent(1 - idle)}`];
  for (const c of summary.categories) {
    if (c.name !== 'idle' && c.share >= 0.01) parts.push(`${c.name} ${wholePercent(c.share)}`);
  }
  return [
    `${head}${parts.join('  ')}`,
    ...summary.top
      .slice(0, 5)
      .map((f) => `    ${`${(f.share * 100).toFixed(1)}%`.padStart(7)}  ${f.label}`),
  ];
}

function wholePercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Category and `top` label of a sample's node. */
interface Described {
  readonly category: Category;
  readonly label: string;
}

/** The profile's nodes by id with their parents, describing each node once. */
class CallTree {
  private readonly byId = new Map<number, CpuProfileNode>();
  private readonly parentOf = new Map<number, number>();
  private readonly described = new Map<number, Described>();

  constructor(nodes: readonly CpuProfileNode[]) {
    for (const node of nodes) {
      this.byId.set(node.id, node);
      for (const child of node.children ?? []) this.parentOf.set(child, node.id);
    }
  }

  describe(id: number): Described {
    let d = this.described.get(id);
    if (d === undefined) {
      d = this.describeNode(id);
      this.described.set(id, d);
    }
    return d;
  }

  private describeNode(id: number): Described {
    const node = this.byId.get(id);
    if (node === undefined) return { category: 'other', label: `(unknown node ${id})` };
    const { functionName, url } = node.callFrame;
    switch (functionName) {
      case '(idle)':
        return { category: 'idle', label: functionName };
      case '(garbage collector)':
        return { category: 'gc', label: functionName };
      case '(program)':
      case '(root)':
        return { category: 'other', label: functionName };
    }
    if (url !== '') return { category: urlCategory(url), label: frameLabel(node) };
    const name = functionName || '(anonymous)';
    const caller = this.callerWithUrl(id);
    return caller === undefined
      ? { category: 'other', label: `${name} (native)` }
      : {
          category: urlCategory(caller.callFrame.url),
          label: `${name} (native, via ${frameLabel(caller)})`,
        };
  }

  /** The nearest ancestor of node `id` that has a url; bounded in case the tree has a cycle. */
  private callerWithUrl(id: number): CpuProfileNode | undefined {
    let parent = this.parentOf.get(id);
    for (let steps = 0; parent !== undefined && steps < this.byId.size; steps++) {
      const node = this.byId.get(parent);
      if (node === undefined) return undefined;
      if (node.callFrame.url !== '') return node;
      parent = this.parentOf.get(parent);
    }
    return undefined;
  }
}

/** `name place:line`, the line one-based as editors show it. */
function frameLabel(node: CpuProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${shortLocation(url)}:${lineNumber + 1}`;
}

/**
 * A url short enough for a report line but still findable: a library's path from its package
 * folder (after the last `node_modules/`), a builtin's whole `node:` name, else the last three
 * path segments (`sqlite/dist/statements.js` rather than the checkout's absolute path).
 */
function shortLocation(url: string): string {
  const marker = '/node_modules/';
  const at = url.lastIndexOf(marker);
  if (at >= 0) return url.slice(at + marker.length);
  if (url.startsWith('node:')) return url;
  return url.split('/').slice(-3).join('/');
}
