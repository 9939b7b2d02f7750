import { createLogger, createStrifeServer, loadTlsMaterial } from '@strife/runtime';

/**
 * The server of `pnpm bench --floor`, run as its own process: Strife's gRPC server (mTLS, the
 * peer-role check, call logging at `warn`, the error table) with nothing behind it but
 * `grpc.health.v1`. `node floorServer.js <certs dir>` binds a free port on 127.0.0.1, sends it
 * to the parent over IPC and serves until SIGTERM or until the parent is gone.
 */
async function serve(certsDir: string): Promise<void> {
  const strife = createStrifeServer({
    logger: createLogger({ name: 'floor', level: 'warn', pretty: false }),
    tls: loadTlsMaterial(certsDir, 'gateway'),
    // Health admits every role the policy names: the load generator calls with `client`.
    policy: { 'strife.v1.GatewayService': ['client'] },
  });
  const port = await strife.listen('127.0.0.1:0');
  const stop = (): void => {
    void strife.shutdown().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  // The parent died without stopping us (e.g. it was killed): do not outlive it.
  process.once('disconnect', stop);
  process.send?.(port);
}

const certsDir = process.argv[2];
if (certsDir === undefined || process.send === undefined) {
  process.stderr.write(
    'usage: started by pnpm bench --floor, with its certs dir and an IPC channel\n',
  );
  process.exitCode = 2;
} else {
  serve(certsDir).catch((err: unknown) => {
    process.stderr.write(`floor server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
