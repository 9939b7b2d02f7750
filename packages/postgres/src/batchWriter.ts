import type { PoolClient } from 'pg';

/**
 * One kind of write that `PgGroupCommit` can batch: `run` applies many inputs at once, ideally in
 * one set-based statement (`INSERT … SELECT … FROM unnest($1::bigint[], $2::text[])`), inside the
 * caller's open transaction, and returns one output per input, in order. It must not commit,
 * roll back or swallow a failed statement: a batch that fails is retried one input at a time to
 * find the input at fault.
 */
export interface BatchWriter<I, O> {
  /** For error messages and logs. */
  readonly name: string;
  /**
   * Whether `run` issues exactly one statement and can fail only in it. A batch of such a
   * writer's inputs alone then runs that statement without BEGIN and COMMIT around it (one
   * statement is atomic by itself): one round trip instead of three.
   */
  readonly oneStatement?: boolean;
  run(client: PoolClient, inputs: readonly I[]): Promise<readonly O[]>;
}
