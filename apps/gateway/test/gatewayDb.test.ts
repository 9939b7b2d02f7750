import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDecisionLog } from '@strife/coordinator';
import { SqliteIdempotencyStore } from '@strife/idempotency';
import { openGatewayStores } from '../src/store/gatewayDb';

describe('openGatewayStores', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strife-gatewaydb-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const leg = { participant: 'SBI', kind: 'debit' as const, account: '2001', amount: 500n };

  it('keeps the decision log and the keys in gateway.db, committed together', async () => {
    const stores = openGatewayStores(dir);
    await Promise.all([
      stores.decisions.initiate({ txid: 7n, legs: [leg] }),
      stores.idempotency.insertIfAbsent('bob', 'k1', { to: 'SBI:2002' }, new Date(), '7'),
    ]);
    stores.close();
    const again = openGatewayStores(dir);
    try {
      await expect(again.decisions.get(7n)).resolves.toMatchObject({ txid: 7n, legs: [leg] });
      await expect(again.idempotency.get('bob', 'k1')).resolves.toMatchObject({
        state: 'IN_FLIGHT',
        recoveryPoint: '7',
      });
      expect(existsSync(join(dir, 'coordinator.db'))).toBe(false);
    } finally {
      again.close();
    }
  });

  it('merges the separate files of an older data directory once, keeping what is unfinished', async () => {
    const oldLog = SqliteDecisionLog.open(join(dir, 'coordinator.db'));
    await oldLog.initiate({ txid: 3n, legs: [leg] });
    await oldLog.decide(3n, 'COMMIT');
    await oldLog.close();
    const oldKeys = SqliteIdempotencyStore.open(join(dir, 'idempotency.db'));
    await oldKeys.insertIfAbsent('bob', 'k3', { to: 'SBI:2002' }, new Date(), '3');
    await oldKeys.close();

    const stores = openGatewayStores(dir);
    try {
      expect(stores.merged).toEqual(['coordinator.db', 'idempotency.db']);
      await expect(stores.decisions.unfinished()).resolves.toMatchObject([
        { txid: 3n, decision: 'COMMIT', legs: [leg] },
      ]);
      await expect(stores.idempotency.inFlight()).resolves.toMatchObject([
        { scope: 'bob', key: 'k3', recoveryPoint: '3' },
      ]);
      expect(existsSync(join(dir, 'coordinator.db'))).toBe(false);
      expect(existsSync(join(dir, 'coordinator.db.merged'))).toBe(true);
    } finally {
      stores.close();
    }
    const reopened = openGatewayStores(dir);
    expect(reopened.merged).toEqual([]);
    reopened.close();
  });
});
