import {
  type CpuProfile,
  type CpuProfileNode,
  formatSummary,
  type ProfileSummary,
  summarizeProfile,
  urlCategory,
} from '../src/profile';

const REPO = 'file:///work/main';
const GRPC =
  'file:///work/main/node_modules/.pnpm/@grpc+grpc-js@1.14.7/node_modules/@grpc/grpc-js/build/src/server-call.js';

function node(
  id: number,
  functionName: string,
  url = '',
  lineNumber = -1,
  children?: number[],
): CpuProfileNode {
  return {
    id,
    callFrame: { functionName, url, lineNumber, columnNumber: 0 },
    ...(children ? { children } : {}),
  };
}

/**
 * A gateway-like call tree. Native frames (empty url) hang under a sqlite frame, a Strife frame,
 * a gRPC frame, and straight under the root.
 */
const NODES: CpuProfileNode[] = [
  node(1, '(root)', '', -1, [2, 3, 4, 5, 10, 20]),
  node(2, '(idle)'),
  node(3, '(garbage collector)'),
  node(4, '(program)'),
  node(5, 'handlePay', `${REPO}/apps/gateway/dist/pay.js`, 41, [6, 9]),
  node(6, 'insertLeg', `${REPO}/packages/sqlite/dist/statements.js`, 44, [7]),
  node(7, 'run', '', -1, [8]),
  node(8, ''), // a native called from a native: still charged to insertLeg
  node(9, 'writev'),
  node(10, 'sendMessage', GRPC, 99, [11]),
  node(11, 'write'),
  node(20, 'compile'), // no caller with a url
];

/** 20 samples, 10 µs apart from startTime 1000, so sample i is at 1010 + 10 i. */
const HITS: [id: number, count: number][] = [
  [2, 4], // idle
  [7, 4], // run → sqlite
  [8, 1], // (anonymous) → sqlite
  [6, 1], // insertLeg → sqlite
  [9, 3], // writev → strife
  [5, 1], // handlePay → strife
  [3, 2], // gc
  [10, 1], // sendMessage → grpc
  [11, 1], // write → grpc
  [4, 1], // (program) → other
  [20, 1], // compile → other
];

function profile(
  samples: number[],
  nodes: CpuProfileNode[] = NODES,
  deltas = samples.map(() => 10),
): CpuProfile {
  const startTime = 1000;
  const endTime = startTime + deltas.reduce((a, b) => a + b, 0) + 5;
  return { nodes, startTime, endTime, samples, timeDeltas: deltas };
}

/** The samples of HITS interleaved, so no category sits in one contiguous run. */
function gatewaySamples(): number[] {
  const left = HITS.map(([id, count]) => ({ id, count }));
  const out: number[] = [];
  while (left.some((h) => h.count > 0)) {
    for (const h of left) {
      if (h.count > 0) {
        out.push(h.id);
        h.count--;
      }
    }
  }
  return out;
}

const sqliteVia = 'insertLeg sqlite/dist/statements.js:45';
const strifeVia = 'handlePay gateway/dist/pay.js:42';
const grpcAt = '@grpc/grpc-js/build/src/server-call.js:100';

describe('summarizeProfile', () => {
  const summary = summarizeProfile(profile(gatewaySamples()));

  it('counts every sample without a window', () => {
    expect(summary.samples).toBe(20);
    expect(summary.durationMs).toBeCloseTo(0.205, 9);
  });

  it('charges native frames to the nearest caller with a url, idle and gc by name', () => {
    expect(summary.categories).toEqual([
      { name: 'sqlite', share: 0.3 },
      // ties keep the Category order
      { name: 'idle', share: 0.2 },
      { name: 'strife', share: 0.2 },
      { name: 'grpc', share: 0.1 },
      { name: 'gc', share: 0.1 },
      { name: 'other', share: 0.1 },
    ]);
  });

  it('has shares of all samples, idle included, summing to 1', () => {
    const sum = summary.categories.reduce((a, c) => a + c.share, 0);
    expect(sum).toBeCloseTo(1, 12);
    expect(summary.top.reduce((a, f) => a + f.share, 0)).toBeCloseTo(0.8, 12);
  });

  it('lists the heaviest functions by self time, ties by label, without idle', () => {
    expect(summary.top).toEqual([
      { label: `run (native, via ${sqliteVia})`, share: 0.2 },
      { label: `writev (native, via ${strifeVia})`, share: 0.15 },
      { label: '(garbage collector)', share: 0.1 },
      { label: `(anonymous) (native, via ${sqliteVia})`, share: 0.05 },
      { label: '(program)', share: 0.05 },
      { label: 'compile (native)', share: 0.05 },
      { label: strifeVia, share: 0.05 },
      { label: sqliteVia, share: 0.05 },
      { label: `sendMessage ${grpcAt}`, share: 0.05 },
      { label: `write (native, via sendMessage ${grpcAt})`, share: 0.05 },
    ]);
  });

  it('keeps at most `top` functions', () => {
    const three = summarizeProfile(profile(gatewaySamples()), undefined, 3);
    expect(three.top.map((f) => f.share)).toEqual([0.2, 0.15, 0.1]);
    expect(summarizeProfile(profile(gatewaySamples()), undefined, 0).top).toEqual([]);
    expect(three.categories).toEqual(summary.categories);
  });

  it('builds parents from `children`, whatever order the nodes come in', () => {
    const reversed = summarizeProfile(profile(gatewaySamples(), [...NODES].reverse()));
    expect(reversed).toEqual(summary);
  });

  it('does not let the same label from different nodes split its count', () => {
    // Two tree nodes for one function (reached by two call paths) are one line in `top`.
    const nodes = [
      node(1, '(root)', '', -1, [2, 3]),
      node(2, 'a', `${REPO}/apps/gateway/dist/a.js`, 0, [4]),
      node(3, 'b', `${REPO}/apps/gateway/dist/b.js`, 0, [5]),
      node(4, 'hash', `${REPO}/packages/runtime/dist/hash.js`, 9),
      node(5, 'hash', `${REPO}/packages/runtime/dist/hash.js`, 9),
    ];
    const s = summarizeProfile(profile([4, 5, 5, 2], nodes));
    expect(s.top).toEqual([
      { label: 'hash runtime/dist/hash.js:10', share: 0.75 },
      { label: 'a gateway/dist/a.js:1', share: 0.25 },
    ]);
    expect(s.categories).toEqual([{ name: 'strife', share: 1 }]);
  });

  it('shortens node builtins and paths outside node_modules', () => {
    const nodes = [
      node(1, '(root)', '', -1, [2, 3]),
      node(2, 'emit', 'node:internal/http2/core', 9),
      node(3, '', 'file:///opt/tools/lib/deep/x.js', 0),
    ];
    const s = summarizeProfile(profile([2, 3], nodes));
    expect(s.top.map((f) => f.label)).toEqual([
      '(anonymous) lib/deep/x.js:1',
      'emit node:internal/http2/core:10',
    ]);
    expect(s.categories).toEqual([
      { name: 'http2', share: 0.5 },
      { name: 'other', share: 0.5 },
    ]);
  });

  it('is empty when there are no samples', () => {
    const bare: CpuProfile = { nodes: NODES, startTime: 1000, endTime: 2000 };
    for (const p of [profile([]), bare]) {
      expect(summarizeProfile(p)).toMatchObject({ samples: 0, categories: [], top: [] });
    }
  });
});

describe('summarizeProfile with a window', () => {
  // Timestamps are startTime + the running sum of deltas: 1005 1015 1025 1035 1045 1055 1070.
  const deltas = [5, 10, 10, 10, 10, 10, 15];
  const samples = [3, 3, 7, 7, 7, 2, 2];
  const p = profile(samples, NODES, deltas);

  it('counts samples within both ends, inclusive', () => {
    const s = summarizeProfile(p, { fromUs: 1025, toUs: 1045 });
    expect(s.samples).toBe(3);
    expect(s.categories).toEqual([{ name: 'sqlite', share: 1 }]);
    expect(s.top).toEqual([{ label: `run (native, via ${sqliteVia})`, share: 1 }]);
    expect(s.durationMs).toBeCloseTo(0.02, 9);
  });

  it('leaves out samples a microsecond outside', () => {
    const s = summarizeProfile(p, { fromUs: 1026, toUs: 1044 });
    expect(s.samples).toBe(1);
  });

  it('times the first sample from startTime and sums the deltas', () => {
    expect(summarizeProfile(p, { fromUs: 1005, toUs: 1005 }).categories).toEqual([
      { name: 'gc', share: 1 },
    ]);
    // 1070, not 1000 + 15 or 1000 + 70
    expect(summarizeProfile(p, { fromUs: 1056, toUs: 1070 })).toMatchObject({
      samples: 1,
      categories: [{ name: 'idle', share: 1 }],
      top: [],
    });
    expect(summarizeProfile(p, { fromUs: 1071, toUs: 2000 }).samples).toBe(0);
  });

  it('takes an open end and clips the duration to the profile', () => {
    const s = summarizeProfile(p, { fromUs: 1040, toUs: Number.POSITIVE_INFINITY });
    expect(s.samples).toBe(3);
    expect(s.categories).toEqual([
      { name: 'idle', share: 2 / 3 },
      { name: 'sqlite', share: 1 / 3 },
    ]);
    // endTime is 1075
    expect(s.durationMs).toBeCloseTo(0.035, 9);
  });
});

describe('urlCategory', () => {
  const pnpm = (pkg: string, file: string): string =>
    `${REPO}/node_modules/.pnpm/${pkg.replace('/', '+')}@1.0.0/node_modules/${pkg}/${file}`;

  it.each([
    [pnpm('better-sqlite3', 'lib/methods/wrappers.js'), 'sqlite'],
    [`${REPO}/packages/sqlite/dist/statements.js`, 'sqlite'],
    [pnpm('@grpc/grpc-js', 'build/src/server.js'), 'grpc'],
    [pnpm('nice-grpc-common', 'lib/index.js'), 'grpc'],
    ['node:internal/http2/core', 'http2'],
    ['node:http2', 'http2'],
    ['node:_tls_wrap', 'tls'],
    ['node:tls', 'tls'],
    ['node:internal/tls/secure-context', 'tls'],
    ['node:internal/crypto/hash', 'tls'],
    ['node:crypto', 'tls'],
    [pnpm('@bufbuild/protobuf', 'dist/cjs/wire/binary-encoding.js'), 'protobuf'],
    [`${REPO}/packages/protocol/dist/gen/strife/v1/bank_pb.js`, 'protobuf'],
    [`${REPO}/packages/protocol/src/gen/strife/v1/bank.ts`, 'protobuf'],
    [pnpm('pino', 'lib/proto.js'), 'logging'],
    [pnpm('sonic-boom', 'index.js'), 'logging'],
    [`${REPO}/packages/runtime/node_modules/pino/pino.js`, 'logging'],
    [`${REPO}/apps/gateway/dist/server.js`, 'strife'],
    [`${REPO}/packages/ledger/dist/ledger.js`, 'strife'],
    [`${REPO}/bench/dist/run.js`, 'strife'],
    [`${REPO}/packages/ledger/node_modules/left-pad/index.js`, 'other'],
    ['node:internal/streams/writable', 'node'],
    ['node:net', 'node'],
    ['file:///usr/lib/node/x.js', 'other'],
    ['evalmachine.<anonymous>', 'other'],
  ])('%s is %s', (url, category) => {
    expect(urlCategory(url)).toBe(category);
  });
});

describe('formatSummary', () => {
  it('gives busy, categories and five functions', () => {
    expect(formatSummary('gateway', summarizeProfile(profile(gatewaySamples())))).toEqual([
      '  gateway         busy 80%  sqlite 30%  strife 20%  grpc 10%  gc 10%  other 10%',
      `      20.0%  run (native, via ${sqliteVia})`,
      `      15.0%  writev (native, via ${strifeVia})`,
      '      10.0%  (garbage collector)',
      `       5.0%  (anonymous) (native, via ${sqliteVia})`,
      '       5.0%  (program)',
    ]);
  });

  it('rounds to whole percents and leaves out categories under 1%', () => {
    const summary: ProfileSummary = {
      samples: 10_000,
      durationMs: 10_000,
      categories: [
        { name: 'sqlite', share: 0.6049 },
        { name: 'tls', share: 0.3351 },
        { name: 'idle', share: 0.0451 },
        { name: 'protobuf', share: 0.01 },
        { name: 'node', share: 0.0049 },
      ],
      top: [{ label: 'run (native, via statements.js:45)', share: 0.123 }],
    };
    expect(formatSummary('bank-1', summary)).toEqual([
      '  bank-1          busy 95%  sqlite 60%  tls 34%  protobuf 1%',
      '      12.3%  run (native, via statements.js:45)',
    ]);
  });

  it('says so when the window had no samples', () => {
    expect(formatSummary('txid', summarizeProfile(profile([])))).toEqual([
      '  txid            no samples in the window',
    ]);
  });
});
