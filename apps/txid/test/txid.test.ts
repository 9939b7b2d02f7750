import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TxIdServiceDefinition } from '@strife/protocol';
import { createStrifeChannel, createStrifeClient, repoRoot, TxIdLeaser } from '@strife/runtime';
import {
  createTestCluster,
  startService,
  type ServiceProcess,
  type TestCluster,
} from '@strife/testkit';
import { Status, type Channel } from 'nice-grpc';

describe('txid service', () => {
  let cluster: TestCluster;
  let service: ServiceProcess;
  const channels: Channel[] = [];

  beforeAll(async () => {
    cluster = await createTestCluster();
    service = await startService('txid', cluster);
  });

  afterAll(async () => {
    channels.forEach((c) => c.close());
    await service.kill('SIGTERM');
    cluster.remove();
  });

  function clientAs(identity: string) {
    const channel = createStrifeChannel(cluster.config.txid.address, {
      tls: cluster.tls(identity),
      expect: { role: 'txid' },
    });
    channels.push(channel);
    return createStrifeClient(TxIdServiceDefinition, channel);
  }

  /** Every id in the blocks, checked for overlap. */
  function idsOf(blocks: readonly { first: bigint; count: number }[]): bigint[] {
    return blocks.flatMap((b) => Array.from({ length: b.count }, (_, i) => b.first + BigInt(i)));
  }

  it('leases unique, non-overlapping blocks to concurrent callers', async () => {
    const gateway = clientAs('gateway');
    const blocks = await Promise.all(
      Array.from({ length: 50 }, (_, i) => gateway.lease({ count: 1 + (i % 7) })),
    );
    const ids = idsOf(blocks);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id > 0n)).toBe(true);
  });

  it('never repeats an id across kill -9 and restart', async () => {
    const before = idsOf(
      await Promise.all(
        Array.from({ length: 20 }, () => clientAs('gateway').lease({ count: 100 })),
      ),
    );
    const highest = before.reduce((a, b) => (a > b ? a : b));
    for (let round = 0; round < 3; round++) {
      const inFlight = Promise.allSettled(
        Array.from({ length: 20 }, () => clientAs('gateway').lease({ count: 10 })),
      );
      await service.kill('SIGKILL');
      const settled = await inFlight;
      service = await startService('txid', cluster);
      const answered = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const after = await clientAs('gateway').lease({ count: 5 });
      const seen = [...idsOf(answered), ...before];
      expect(after.first > seen.reduce((a, b) => (a > b ? a : b), highest)).toBe(true);
      before.push(...idsOf(answered), ...idsOf([after]));
    }
    expect(new Set(before).size).toBe(before.length);
  });

  it('feeds a leaser whose ids stay unique across a restart of the service', async () => {
    const gateway = clientAs('gateway');
    const leaser = new TxIdLeaser({ lease: (count) => gateway.lease({ count }), blockSize: 50 });
    const first = await Promise.all(Array.from({ length: 120 }, () => leaser.next()));
    await service.kill('SIGKILL');
    service = await startService('txid', cluster);
    const second = await Promise.all(Array.from({ length: 120 }, () => leaser.next()));
    const all = [...first, ...second];
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(['client', 'bank-SBI', 'monitor'])('refuses a %s certificate', async (identity) => {
    await expect(clientAs(identity).lease({ count: 1 })).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
  });

  it.each([0, 100_001])('refuses a lease of %d ids with INVALID_ARGUMENT', async (count) => {
    await expect(clientAs('gateway').lease({ count })).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: 'count: must be between 1 and 100000',
    });
  });

  it('exits with code 2 and one line when its config is invalid', () => {
    const run = spawnSync(process.execPath, [join(repoRoot(), 'apps/txid/dist/main.js')], {
      env: { ...process.env, ...cluster.env({ STRIFE_CONFIG: join(cluster.dir, 'missing.json') }) },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^txid: config error: .*missing\.json: cannot read cluster file: not found\n$/,
    );
  });
});
