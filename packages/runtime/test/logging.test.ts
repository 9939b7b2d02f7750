import { TxIdServiceDefinition } from '@strife/protocol';
import { Metadata } from 'nice-grpc-common';
import { createStrifeChannel, createStrifeClient } from '../src';
import { capturingLogger, txidPolicyServer } from './helpers';

describe('logger redaction', () => {
  it('never writes passwords, tokens, authorization headers or private keys', () => {
    const { logger, lines } = capturingLogger();
    logger.info(
      {
        password: 'hunter2',
        token: 'tok-top-level',
        request: { username: 'alice', password: 'pw-nested' },
        metadata: { authorization: 'Bearer tok-header' },
        deep: { tls: { privateKey: '-----BEGIN PRIVATE KEY-----' } },
      },
      'login',
    );
    const text = JSON.stringify(lines);
    for (const secret of [
      'hunter2',
      'tok-top-level',
      'pw-nested',
      'tok-header',
      'BEGIN PRIVATE KEY',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({ request: { username: 'alice', password: '[redacted]' } });
  });
});

describe('call logging middleware', () => {
  const { logger, lines } = capturingLogger();
  const { strife: server, tls, remove } = txidPolicyServer('logging', logger);
  server.server.add(TxIdServiceDefinition, {
    lease(request, context) {
      context.callLog.annotate({ user: 'alice', txid: '42', amount: '100.00', password: 'leak?' });
      return Promise.resolve({ first: 42n, count: request.count });
    },
  });

  afterAll(async () => {
    await server.shutdown();
    remove();
  });

  it('logs one line per call with method, peer, status, duration and the handler fields', async () => {
    const port = await server.listen('127.0.0.1:0');
    const channel = createStrifeChannel(`127.0.0.1:${port}`, {
      tls: tls('gateway'),
    });
    const client = createStrifeClient(TxIdServiceDefinition, channel);
    await client.lease({ count: 2 }, { metadata: Metadata({ authorization: 'Bearer abc' }) });
    channel.close();
    const line = lines.find((l) => l.method === '/strife.v1.TxIdService/Lease');
    expect(line).toMatchObject({
      msg: 'call',
      level: 30,
      peer: 'gateway/gateway',
      ip: expect.stringContaining('127.0.0.1') as unknown,
      status: 'OK',
      user: 'alice',
      txid: '42',
      amount: '100.00',
      password: '[redacted]',
    });
    expect(typeof line?.durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('Bearer abc');
  });
});
