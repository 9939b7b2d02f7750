import { abortReason } from '../engine/clock';
import type { Incarnation } from '../engine/incarnation';
import type { Random } from '../engine/random';
import type { Scheduler } from '../engine/scheduler';
import type { Trace } from '../engine/trace';
import { describeRequest, describeResponse, type Request, type Response } from './messages';
import type { Network } from './network';

/** A call that got no usable answer, as a transport error (not a domain error): gRPC's status. */
export class RpcError extends Error {
  constructor(
    readonly code: 'UNAVAILABLE' | 'DEADLINE_EXCEEDED' | 'INTERNAL',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RpcError';
  }

  /** As `new RpcError`, without the stack trace: thousands are made per run, none is thrown far. */
  static of(code: RpcError['code'], message: string): RpcError {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new RpcError(code, message);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** A node's request handler; it must answer with a `Response` (domain errors as `refused`). */
export type Handler = (request: Request, from: string) => Promise<Response>;

export interface CallOptions {
  /** The call's deadline: it rejects with DEADLINE_EXCEEDED after this many ms. */
  readonly timeoutMs: number;
  /** Aborting it abandons the call at once (a late answer is dropped), as a gRPC signal does. */
  readonly signal?: AbortSignal;
}

/**
 * Request and response over the simulated network, as gRPC unary calls are: the request may be
 * lost, duplicated (the handler then runs twice) or delayed past the caller's deadline, and so
 * may the reply. A call to a node that is down is refused (UNAVAILABLE) or simply unanswered,
 * as the seed decides. A reply reaches only the incarnation that asked.
 */
export class Rpc {
  private readonly servers = new Map<string, { life: Incarnation; handle: Handler }>();

  constructor(
    private readonly network: Network,
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly trace: Trace,
    /** Chance that a call to a node that is down is refused rather than left unanswered. */
    private readonly refuseRate: number,
  ) {}

  /** Serves `handle` as node `life.node` until `life` dies or another life serves. */
  serve(life: Incarnation, handle: Handler): void {
    this.servers.set(life.node, { life, handle });
  }

  call(from: Incarnation, to: string, request: Request, options: CallOptions): Promise<Response> {
    const { signal } = options;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      let done = false;
      const finish = (settle: () => void): void => {
        if (done) return;
        done = true;
        deadline.cancel();
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = (): void => {
        finish(() => {
          reject(abortReason(signal));
        });
      };
      const deadline = this.scheduler.after(
        options.timeoutMs,
        () => {
          finish(() => {
            reject(RpcError.of('DEADLINE_EXCEEDED', `${to} did not answer in time`));
          });
        },
        from,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      const answer = (outcome: Response | RpcError): void => {
        // A reply to a dead life, or to a call given up on, is dropped.
        if (!from.alive) return;
        finish(() => {
          if (outcome instanceof RpcError) reject(outcome);
          else resolve(outcome);
        });
      };
      const note = this.trace.on ? describeRequest(from.id, to, request) : undefined;
      this.network.send(from, to, note, () => {
        this.arrive(from, to, request, answer);
      });
    });
  }

  private arrive(
    from: Incarnation,
    to: string,
    request: Request,
    answer: (outcome: Response | RpcError) => void,
  ): void {
    const server = this.servers.get(to);
    if (server === undefined || !server.life.alive) {
      if (!this.random.chance(this.refuseRate)) return;
      // The node's host refuses the connection: no process, but a machine that answers.
      const refusal = RpcError.of('UNAVAILABLE', `connection to ${to} refused`);
      this.network.send({ node: to, alive: true }, from.node, undefined, () => {
        answer(refusal);
      });
      return;
    }
    const { life, handle } = server;
    handle(request, from.node).then(
      (response) => {
        const note = this.trace.on
          ? describeResponse(life.id, from.id, request, response)
          : undefined;
        this.network.send(life, from.node, note, () => {
          answer(response);
        });
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.network.send(life, from.node, undefined, () => {
          answer(RpcError.of('INTERNAL', message));
        });
      },
    );
  }
}
