import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkServerIdentity, connect, createServer, type PeerCertificate } from 'node:tls';
import { Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import {
  createStrifeChannel,
  createStrifeClient,
  createStrifeServer,
  ensureCertificates,
  loadConfig,
  loadTlsMaterial,
  type StrifeConfig,
  type TlsMaterial,
} from '../src';
import { clusterCertSpecs, gatewayCertName } from '../src/certs/clusterCerts';
import { capturingLogger, tempDir } from './helpers';

/** A cluster file with three gateway instances: loopback, another IPv4 host, and a DNS name. */
function writeCluster(path: string, gw2Address: string): void {
  const file = {
    txid: { address: '127.0.0.1:50051' },
    gateway: {
      instances: [
        { name: 'gw1', address: '127.0.0.1:50052' },
        { name: 'gw2', address: gw2Address },
        { name: 'gw3', address: '10.0.0.3:50052' },
      ],
      database: 'postgres://strife@127.0.0.1/strife',
    },
    banks: [{ name: 'SBI', address: 'sbi.strife.test:50061' }],
  };
  writeFileSync(path, JSON.stringify(file));
}

const certificate = (dir: string, name: string): X509Certificate =>
  new X509Certificate(readFileSync(join(dir, `${name}.pem`)));

describe('certificates for several gateway instances', () => {
  const dir = tempDir('cluster-certs');
  const configFile = join(dir.path, 'cluster.json');
  const certsDir = join(dir.path, 'certs');
  afterAll(() => dir.remove());
  const config = (gw2Address: string): StrifeConfig => {
    writeCluster(configFile, gw2Address);
    return loadConfig({ STRIFE_CONFIG: configFile, STRIFE_CERTS_DIR: certsDir }, dir.path);
  };

  it('names the gateway certificate of each instance', () => {
    expect(gatewayCertName('gateway')).toBe('gateway');
    expect(gatewayCertName('gw1')).toBe('gateway-gw1');
  });

  it('issues one certificate per instance, each with its identity and the host it serves', () => {
    const result = ensureCertificates(certsDir, clusterCertSpecs(config('10.0.0.2:50052')));
    expect(result.created).toEqual([
      'ca',
      'txid',
      'gateway-gw1',
      'gateway-gw2',
      'gateway-gw3',
      'bank-SBI',
      'client',
      'monitor',
    ]);
    expect(existsSync(join(certsDir, 'gateway.pem'))).toBe(false);
    expect(certificate(certsDir, 'gateway-gw1').subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, URI:spiffe://strife/gateway/gw1',
    );
    expect(certificate(certsDir, 'gateway-gw2').subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:10.0.0.2, URI:spiffe://strife/gateway/gw2',
    );
    expect(certificate(certsDir, 'gateway-gw3').subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:10.0.0.3, URI:spiffe://strife/gateway/gw3',
    );
    expect(certificate(certsDir, 'bank-SBI').subjectAltName).toBe(
      'DNS:localhost, DNS:sbi.strife.test, IP Address:127.0.0.1, URI:spiffe://strife/bank/SBI',
    );
    const ca = certificate(certsDir, 'ca');
    expect(certificate(certsDir, 'gateway-gw3').verify(ca.publicKey)).toBe(true);
  });

  it('keeps the set while it still fits the cluster file, a port change included', () => {
    const result = ensureCertificates(certsDir, clusterCertSpecs(config('10.0.0.2:50099')));
    expect(result.created).toEqual([]);
    expect(result.kept).toHaveLength(7);
  });

  it('reissues just the certificate of an instance whose host changed', () => {
    const before = (name: string) => readFileSync(join(certsDir, `${name}.pem`), 'utf8');
    const gw1 = before('gateway-gw1');
    const ca = before('ca');
    const result = ensureCertificates(certsDir, clusterCertSpecs(config('10.0.0.9:50052')));
    expect(result.created).toEqual(['gateway-gw2']);
    const gw2 = certificate(certsDir, 'gateway-gw2');
    expect(gw2.checkIP('10.0.0.9')).toBe('10.0.0.9');
    expect(gw2.checkIP('10.0.0.2')).toBeUndefined();
    expect(before('gateway-gw1')).toBe(gw1);
    expect(before('ca')).toBe(ca);
  });

  it('covers an IPv6 address with an IP SAN', () => {
    const specs = clusterCertSpecs({
      txid: { address: '[::1]:50051' },
      gateway: { instances: [{ name: 'gateway', address: '127.0.0.1:50052' }] },
      banks: [],
    });
    expect(specs.map((s) => [s.file, s.hosts])).toEqual([
      ['txid', ['::1']],
      ['gateway', ['127.0.0.1']],
      ['client', undefined],
      ['monitor', undefined],
    ]);
    const v6 = join(dir.path, 'v6');
    ensureCertificates(v6, specs);
    expect(certificate(v6, 'txid').checkIP('0:0:0:0:0:0:0:1')).toBeDefined();
  });
});

describe('mutual TLS with instance certificates', () => {
  const dir = tempDir('cluster-tls');
  const foreign = tempDir('cluster-tls-foreign');
  afterAll(() => {
    dir.remove();
    foreign.remove();
  });
  const cluster = {
    txid: { address: '127.0.0.1:50051' },
    gateway: {
      instances: [
        { name: 'gw1', address: '127.0.0.1:50052' },
        { name: 'gw2', address: 'gw2.strife.test:50052' },
      ],
    },
    banks: [{ name: 'SBI', address: '127.0.0.1:50061' }],
  };
  ensureCertificates(dir.path, clusterCertSpecs(cluster));
  ensureCertificates(foreign.path, clusterCertSpecs(cluster), { organisation: 'Mallory' });
  const material = (name: string, certs = dir.path): TlsMaterial => loadTlsMaterial(certs, name);

  /**
   * A TLS handshake with node:tls, as any standard client makes it: the server presents `server`
   * and requires a client certificate from its CA; the client presents `client` and checks the
   * server's certificate for `host` with Node's own host check. Resolves `ok` or the error code.
   */
  async function handshake(server: TlsMaterial, client: TlsMaterial, host: string) {
    const listener = createServer({ ...server, requestCert: true, rejectUnauthorized: true });
    // The greeting is sent only once the server has accepted the client's certificate: in TLS
    // 1.3 the client's side of the handshake completes before the server has checked it.
    listener.on('secureConnection', (socket) => socket.end('hello'));
    listener.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as { port: number };
    try {
      return await new Promise<string>((resolve) => {
        const socket = connect({
          ...client,
          host: '127.0.0.1',
          port,
          checkServerIdentity: (_name: string, cert: PeerCertificate) =>
            checkServerIdentity(host, cert),
        });
        socket.on('data', () => resolve('ok'));
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
        socket.on('close', () => resolve('closed without a greeting'));
      });
    } finally {
      listener.close();
    }
  }

  it('verifies each instance for the host it serves, and for localhost', async () => {
    const gw2 = material(gatewayCertName('gw2'));
    const client = material('client');
    expect(await handshake(gw2, client, 'gw2.strife.test')).toBe('ok');
    expect(await handshake(gw2, client, 'localhost')).toBe('ok');
    expect(await handshake(gw2, client, '127.0.0.1')).toBe('ok');
    expect(await handshake(gw2, client, 'gw1.strife.test')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('fails the handshake with a certificate from a foreign CA, on either side', async () => {
    const client = material('client');
    const gw1 = material(gatewayCertName('gw1'));
    const impostor = material(gatewayCertName('gw1'), foreign.path);
    expect(await handshake({ ...impostor, ca: gw1.ca }, client, 'localhost')).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
    expect(await handshake(gw1, { ...impostor, ca: gw1.ca }, 'localhost')).not.toBe('ok');
  });

  it('lets a gRPC client pick the instance it expects by name', async () => {
    const strife = createStrifeServer({
      logger: capturingLogger().logger,
      tls: material(gatewayCertName('gw2')),
      policy: {},
    });
    const port = await strife.listen('127.0.0.1:0');
    const status = async (name: string): Promise<string> => {
      const channel = createStrifeChannel(`127.0.0.1:${port}`, {
        tls: material('monitor'),
        expect: { role: 'gateway', name },
      });
      try {
        const answer = await createStrifeClient(HealthDefinition, channel, 3000).check({
          service: '',
        });
        return `SERVING:${answer.status}`;
      } catch (err) {
        return Status[(err as { code: Status }).code];
      } finally {
        channel.close();
      }
    };
    try {
      expect(await status('gw2')).toBe('SERVING:1');
      expect(await status('gw1')).toBe('UNAVAILABLE');
    } finally {
      await strife.shutdown();
    }
  });
});
