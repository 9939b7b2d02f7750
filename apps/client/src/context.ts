import { join } from 'node:path';
import { type Env, type Failpoints, parseFailpoints } from '@strife/runtime';
import { CliError, EXIT } from './exitCodes';
import { checkAddress, connectGateway, type GatewayConnection } from './gatewayClient';
import { stateHome } from './home';
import { stdio, type Sink } from './output';
import { PaymentQueue } from './queue';
import { readSession, type Session } from './session';

/**
 * What a command may use, each opened on first use and closed by `close`: the state folder, the
 * session, the offline queue and the gateway connection. `queue` never needs the cluster file,
 * so it works on a machine that cannot reach (or configure) a gateway.
 */
export class Context {
  private homeDir: string | undefined;
  private openQueue: PaymentQueue | undefined;
  private connection: GatewayConnection | undefined;
  private override: string | undefined;
  private armed: Failpoints | undefined;

  constructor(
    readonly env: Env,
    /** Whether output is JSON (`--json`). */
    readonly json = false,
    readonly sink: Sink = stdio,
  ) {}

  /**
   * `--gateway HOST:PORT` (or `STRIFE_GATEWAY`, named by `source`); a change drops the open
   * connection.
   * @throws a usage error for a malformed address.
   */
  setGatewayOverride(address: string | undefined, source = '--gateway'): void {
    if (address === this.override) return;
    if (address !== undefined) checkAddress(address, source);
    this.override = address;
    this.connection?.close();
    this.connection = undefined;
  }

  /** The `--gateway` in force, if any. */
  get gatewayOverride(): string | undefined {
    return this.override;
  }

  get home(): string {
    this.homeDir ??= stateHome(this.env);
    return this.homeDir;
  }

  get queue(): PaymentQueue {
    this.openQueue ??= PaymentQueue.open(join(this.home, 'queue.db'), () => {
      this.failpoints.fail('client.queue-write', { code: 'SQLITE_IOERR_WRITE' });
    });
    return this.openQueue;
  }

  /**
   * `STRIFE_FAILPOINTS` for the CLI, for tests: `client.after-queue` (the payment is queued, not
   * yet sent), `client.after-send` (a gateway has taken it, no answer yet) and
   * `client.queue-write` (the queue's disk fails, action `error`).
   */
  get failpoints(): Failpoints {
    this.armed ??= parseFailpoints(this.env.STRIFE_FAILPOINTS);
    return this.armed;
  }

  get gateway(): GatewayConnection {
    this.connection ??= connectGateway(this.env, this.override);
    return this.connection;
  }

  /** The local session, if any (read afresh each time: another process may log in or out). */
  session(): Session | undefined {
    return readSession(this.home);
  }

  /** The local session. @throws CliError "not logged in" (exit 4) when there is none. */
  requireSession(): Session {
    const session = this.session();
    if (!session) {
      throw new CliError(
        EXIT.AUTH,
        'NOT_LOGGED_IN',
        'not logged in: run `strife login --username U --password P` first',
      );
    }
    return session;
  }

  close(): void {
    this.connection?.close();
    this.connection = undefined;
    this.openQueue?.close();
    this.openQueue = undefined;
  }
}
