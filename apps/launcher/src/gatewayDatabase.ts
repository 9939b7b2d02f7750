import {
  createDatabase,
  type PostgresSource,
  redactUrl,
  startPrivatePostgres,
} from '@strife/postgres';

/** A private PostgreSQL server with one database for the gateways' shared state. */
export interface GatewayDatabase {
  /** The database's URL, with its password: pass it only to the gateways. */
  readonly url: string;
  /** The URL with its password replaced by `***`, to print. */
  readonly redacted: string;
  /** The server's data directory (temporary: deleted by `stop`). */
  readonly dataDir: string;
  /** Whose binaries run it: the machine's (`system`) or the npm package's (`embedded`). */
  readonly source: PostgresSource;
  /** Stops the server and deletes its data directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL server of this process's own (the machine's binaries if found, else the
 * embedded npm package; on 127.0.0.1, a free port, a temporary data directory) and creates the
 * database `name` on it. The server does not outlive this process.
 * @throws PrivatePostgresError saying what was tried when no server could be started.
 */
export async function startGatewayDatabase(name = 'strife_gateways'): Promise<GatewayDatabase> {
  const server = await startPrivatePostgres();
  try {
    const url = await createDatabase(server.url, name);
    return {
      url,
      redacted: redactUrl(url),
      dataDir: server.dataDir,
      source: server.source,
      stop: () => server.stop(),
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
