import { Readable } from 'node:stream';
import { ChannelCredentials } from '@grpc/grpc-js';
import { TxIdServiceDefinition } from '@strife/protocol';
import { createChannel, Metadata, Status, type Channel } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import {
  ServerReflectionRequest,
  type ServerReflectionResponse,
} from 'nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb';
import {
  clusterCertSpecs,
  createStrifeChannel,
  createStrifeClient,
  createStrifeServer,
  ensureCertificates,
  formatIdentity,
  loadConfig,
  loadTlsMaterial,
  peerIdentity,
  type StrifeServer,
} from '../src';
import { capturingLogger, tempDir } from './helpers';

/** Raw channels to 127.0.0.1 name localhost for SNI, as `createStrifeChannel` does. */
const SNI = { 'grpc.ssl_target_name_override': 'localhost' };

/**
 * A server that admits only gateways to TxIdService, as the real txid app does. Its handler
 * answers with the caller's verified identity, so tests can see what the server saw.
 */
describe('mTLS with role checks', () => {
  const certs = tempDir('tls');
  const foreign = tempDir('tls-foreign');
  const channels: Channel[] = [];
  let strife: StrifeServer;
  let address: string;
  const seen: string[] = [];
  const log = capturingLogger();

  beforeAll(async () => {
    const specs = clusterCertSpecs(loadConfig({}, certs.path));
    ensureCertificates(certs.path, specs);
    ensureCertificates(foreign.path, specs, { organisation: 'Mallory' });
    strife = createStrifeServer({
      logger: log.logger,
      tls: loadTlsMaterial(certs.path, 'txid'),
      policy: { 'strife.v1.TxIdService': ['gateway'] },
    });
    strife.server.add(TxIdServiceDefinition, {
      lease(request, context) {
        const peer = peerIdentity(context);
        seen.push(peer ? formatIdentity(peer) : 'none');
        return Promise.resolve({ first: 1n, count: request.count });
      },
    });
    address = `127.0.0.1:${await strife.listen('127.0.0.1:0')}`;
  });

  afterAll(async () => {
    channels.forEach((c) => c.close());
    await strife.shutdown();
    certs.remove();
    foreign.remove();
  });

  function channelAs(name: string, dir = certs.path): Channel {
    const channel = createStrifeChannel(address, { tls: loadTlsMaterial(dir, name) });
    channels.push(channel);
    return channel;
  }

  async function healthStatus(channel: Channel): Promise<string> {
    const client = createStrifeClient(HealthDefinition, channel, 3000);
    try {
      const answer = await client.check({ service: '' });
      return `SERVING:${answer.status}`;
    } catch (err) {
      return Status[(err as { code: Status }).code];
    }
  }

  it('answers health checks for the admitted role and for monitors', async () => {
    expect(await healthStatus(channelAs('gateway'))).toBe('SERVING:1');
    expect(await healthStatus(channelAs('monitor'))).toBe('SERVING:1');
  });

  /** Sends `requests` down one reflection stream as `name`; the answers, in order. */
  async function reflect(name: string, requests: ServerReflectionRequest[]) {
    const reflection = createStrifeClient(ServerReflectionService, channelAs(name), 3000);
    const answers: ServerReflectionResponse[] = [];
    const stream = reflection.serverReflectionInfo(
      Readable.from(requests) as AsyncIterable<ServerReflectionRequest>,
    );
    for await (const answer of stream) answers.push(answer);
    return answers;
  }

  it('describes its services through gRPC reflection, to the admitted role and monitors', async () => {
    const list = new ServerReflectionRequest();
    list.setListServices('*');
    const symbol = new ServerReflectionRequest();
    symbol.setFileContainingSymbol('strife.v1.TxIdService');
    for (const name of ['gateway', 'monitor']) {
      const [listed, file] = await reflect(name, [list, symbol]);
      expect(
        listed
          ?.getListServicesResponse()
          ?.getServiceList()
          .map((s) => s.getName()),
      ).toEqual(['strife.v1.TxIdService']);
      const files = file?.getFileDescriptorResponse()?.getFileDescriptorProtoList() ?? [];
      expect(files.length).toBeGreaterThan(0);
      expect(Buffer.from(files[0] as Uint8Array).toString('latin1')).toContain('TxIdService');
    }
    await expect(reflect('client', [list])).rejects.toMatchObject({
      code: Status.PERMISSION_DENIED,
    });
  });

  it('serves the admitted role and passes its verified identity to handlers', async () => {
    const client = createStrifeClient(TxIdServiceDefinition, channelAs('gateway'));
    const forged = Metadata({ 'x-strife-peer-identity': 'bank/SBI' });
    await expect(client.lease({ count: 3 }, { metadata: forged })).resolves.toEqual({
      first: 1n,
      count: 3,
    });
    expect(seen.at(-1)).toBe('gateway/gateway');
  });

  it.each(['client', 'bank-SBI', 'txid'])(
    'refuses a %s certificate with PERMISSION_DENIED',
    async (name) => {
      const client = createStrifeClient(TxIdServiceDefinition, channelAs(name));
      const forged = Metadata({ 'x-strife-peer-identity': 'gateway/gateway' });
      await expect(client.lease({ count: 1 }, { metadata: forged })).rejects.toMatchObject({
        code: Status.PERMISSION_DENIED,
        details: expect.stringContaining('may not call strife.v1.TxIdService') as unknown,
      });
      expect(await healthStatus(channelAs(name))).toBe('PERMISSION_DENIED');
    },
  );

  it('refuses a client with no certificate', async () => {
    const tls = loadTlsMaterial(certs.path, 'gateway');
    const channel = createChannel(address, ChannelCredentials.createSsl(tls.ca), SNI);
    channels.push(channel);
    expect(await healthStatus(channel)).toBe('UNAVAILABLE');
  });

  it('refuses a certificate from another CA', async () => {
    const impostor = loadTlsMaterial(foreign.path, 'gateway');
    const tls = loadTlsMaterial(certs.path, 'gateway');
    const channel = createChannel(
      address,
      ChannelCredentials.createSsl(tls.ca, impostor.key, impostor.cert),
      SNI,
    );
    channels.push(channel);
    expect(await healthStatus(channel)).toBe('UNAVAILABLE');
  });

  it('refuses plaintext', async () => {
    const channel = createChannel(address, ChannelCredentials.createInsecure(), SNI);
    channels.push(channel);
    expect(await healthStatus(channel)).toBe('UNAVAILABLE');
  });

  it('lets a client refuse a server of the wrong role', async () => {
    const tls = loadTlsMaterial(certs.path, 'gateway');
    const expectBank = createStrifeChannel(address, { tls, expect: { role: 'bank', name: 'SBI' } });
    const expectTxid = createStrifeChannel(address, { tls, expect: { role: 'txid' } });
    channels.push(expectBank, expectTxid);
    expect(await healthStatus(expectBank)).toBe('UNAVAILABLE');
    expect(await healthStatus(expectTxid)).toBe('SERVING:1');
  });

  it('never lets an untrusted peer reach a handler', () => {
    expect(seen.every((s) => s === 'gateway/gateway')).toBe(true);
  });
});
