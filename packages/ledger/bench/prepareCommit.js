'use strict';
// Measures prepare+commit pairs per second on a file ledger (WAL, synchronous=FULL), the way a
// bank serves payments: prepareDebit, prepareCredit, then commit of both legs, one at a time on
// one thread. Runs against the built package: `npx tsc -p tsconfig.build.json` first.
// Usage: node bench/prepareCommit.js [payments=3000] [dir=os.tmpdir()]
// (Pin to one core with `taskset -c 0 node bench/prepareCommit.js`.) Put `dir` on a real disk:
// on tmpfs fsync costs nothing and the figures mean little.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Ledger } = require('../dist');

const payments = Number(process.argv[2] ?? 3000);
const dir = mkdtempSync(join(process.argv[3] ?? tmpdir(), 'strife-ledger-bench-'));
const WARM_UP = 200;

const timings = { prepareDebit: [], prepareCredit: [], commit: [] };

function timed(name, call) {
  const start = process.hrtime.bigint();
  const result = call();
  timings[name].push(Number(process.hrtime.bigint() - start) / 1e6);
  return result;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function pay(ledger, txid, measure) {
  const req = (accountNo) => ({ txid, accountNo, amount: 1n });
  const run = measure ? timed : (_name, call) => call();
  const debit = run('prepareDebit', () => ledger.prepareDebit(req('1001')));
  const credit = run('prepareCredit', () => ledger.prepareCredit(req('1002')));
  if (debit.vote !== 'YES' || credit.vote !== 'YES') throw new Error(`txid ${txid} was refused`);
  run('commit', () => ledger.commit(txid, 'debit'));
  run('commit', () => ledger.commit(txid, 'credit'));
}

const path = join(dir, 'bench.db');
const ledger = Ledger.open(path);
try {
  ledger.importSeed([
    { accountNo: '1001', holder: 'Payer', balance: 1_000_000_000n },
    { accountNo: '1002', holder: 'Payee', balance: 0n },
  ]);
  let txid = 0n;
  for (let i = 0; i < WARM_UP; i++) pay(ledger, ++txid, false);
  const start = process.hrtime.bigint();
  for (let i = 0; i < payments; i++) pay(ledger, ++txid, true);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const pairs = payments * 2;
  console.log(`ledger file: ${path} (WAL, synchronous=FULL)`);
  console.log(`${payments} payments = ${pairs} prepare+commit pairs in ${seconds.toFixed(2)} s`);
  console.log(`${(pairs / seconds).toFixed(0)} prepare+commit pairs/s`);
  console.log(`${(payments / seconds).toFixed(0)} payments/s (both legs at one bank)`);
  console.log(`${((pairs * 2) / seconds).toFixed(0)} ledger operations/s`);
  for (const [name, samples] of Object.entries(timings)) {
    const sorted = [...samples].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50).toFixed(3);
    const p99 = percentile(sorted, 99).toFixed(3);
    console.log(`${name.padEnd(13)} p50 ${p50} ms  p99 ${p99} ms  (${sorted.length} calls)`);
  }
} finally {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
}
