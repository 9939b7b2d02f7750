import { existsSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { createTestCluster, freePort, SEED, type TestCluster } from '@strife/testkit';
import type { StatusView } from '../src/shared/api';
import { startConsole } from './consoleProcess';

/** GET https://127.0.0.1:port/api/status presenting `identity`'s certificate (none if undefined). */
function get(
  cluster: TestCluster,
  port: number,
  identity: string | undefined,
): Promise<{ status: number; body: string }> {
  const tls = cluster.tls(identity ?? 'monitor');
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/status',
        ca: tls.ca,
        ...(identity === undefined ? {} : { cert: tls.cert, key: tls.key }),
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    call.on('error', reject);
    call.end();
  });
}

describe('the console on a non-loopback address', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await createTestCluster(SEED);
  });

  afterAll(() => cluster.remove());

  it('serves HTTPS to monitor certificates only, and shows services that are down', async () => {
    const port = await freePort();
    const console_ = await startConsole(cluster, { address: `0.0.0.0:${port}`, wait: false });
    try {
      const deadline = Date.now() + 20_000;
      let answer = await get(cluster, port, 'monitor').catch(() => undefined);
      while (answer?.status !== 200) {
        if (Date.now() > deadline) throw new Error(`no answer:\n${console_.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await get(cluster, port, 'monitor').catch(() => undefined);
      }
      expect(existsSync(join(cluster.certsDir, 'console.pem'))).toBe(true);
      // Nothing of the cluster runs: every service is UNREACHABLE, and the console still answers.
      const status = JSON.parse(answer.body) as StatusView;
      expect(status.services.map((s) => s.status)).toEqual([
        'UNREACHABLE',
        'UNREACHABLE',
        'UNREACHABLE',
        'UNREACHABLE',
      ]);
      expect(status.conservation).toMatchObject({ ok: false, state: 'UNKNOWN' });
      await expect(get(cluster, port, 'client')).resolves.toMatchObject({ status: 403 });
      await expect(get(cluster, port, undefined)).rejects.toThrow();
    } finally {
      await console_.stop();
    }
  });

  it('exits 2 with one line when it has no certificate and cannot issue one', async () => {
    for (const file of ['console.pem', 'console-key.pem', 'ca-key.pem']) {
      rmSync(join(cluster.certsDir, file), { force: true });
    }
    const console_ = await startConsole(cluster, {
      address: `0.0.0.0:${await freePort()}`,
      wait: false,
    });
    expect(await console_.exited).toBe(2);
    expect(console_.output()).toMatch(
      /^console: config error: STRIFE_CERTS_DIR: .*console\.pem.*\n$/,
    );
  });
});
