import type { PoolClient } from 'pg';
import type { BatchWriter } from './batchWriter';
import { DatabaseUnavailable, isDatabaseUnavailable } from './unavailable';

/** One queued write: a writer and its input. */
export interface Entry {
  readonly writer: BatchWriter<unknown, unknown>;
  readonly input: unknown;
}

/**
 * How a transaction ended: committed with one output per entry, failed with the error of an
 * input or writer (rolled back, the connection usable), or `DatabaseUnavailable` (the connection
 * must be discarded).
 */
export type Attempt =
  | { readonly kind: 'committed'; readonly outputs: readonly unknown[] }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'unavailable'; readonly error: DatabaseUnavailable };

/**
 * Runs `entries` in one transaction on `client`: BEGIN, each writer once with all its inputs
 * (writers in the order of their first entry), COMMIT. Never throws.
 *
 * A COMMIT that fails with a refusal from the server (a deferred constraint, a serialization
 * failure) rolled the transaction back, so it is `failed`. A COMMIT that fails because the
 * connection was lost has an unknown outcome, so it is `unavailable` with outcome `unknown`:
 * retrying it could apply the writes twice.
 */
export async function transact(
  client: PoolClient,
  entries: readonly Entry[],
  beforeCommit?: () => void,
): Promise<Attempt> {
  let outputs: unknown[];
  try {
    await client.query('BEGIN');
    outputs = await runWriters(client, entries);
    beforeCommit?.();
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      return { kind: 'unavailable', error: DatabaseUnavailable.from(error, 'not-committed') };
    }
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      return {
        kind: 'unavailable',
        error: DatabaseUnavailable.from(rollbackError, 'not-committed'),
      };
    }
    return { kind: 'failed', error };
  }
  try {
    const result = await client.query('COMMIT');
    // COMMIT of a transaction in which a statement failed succeeds, as a ROLLBACK.
    if (result.command !== 'COMMIT') {
      return {
        kind: 'failed',
        error: new Error(`COMMIT was a ${result.command}: a statement failed`),
      };
    }
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      return { kind: 'unavailable', error: DatabaseUnavailable.from(error, 'unknown') };
    }
    return { kind: 'failed', error };
  }
  return { kind: 'committed', outputs };
}

async function runWriters(client: PoolClient, entries: readonly Entry[]): Promise<unknown[]> {
  const groups = new Map<BatchWriter<unknown, unknown>, number[]>();
  entries.forEach((entry, i) => {
    const group = groups.get(entry.writer);
    if (group === undefined) groups.set(entry.writer, [i]);
    else group.push(i);
  });
  const outputs = new Array<unknown>(entries.length);
  for (const [writer, indexes] of groups) {
    const inputs = indexes.map((i) => entries[i]?.input);
    const written = await writer.run(client, inputs);
    if (!Array.isArray(written) || written.length !== inputs.length) {
      throw new Error(
        `BatchWriter ${writer.name} returned ${Array.isArray(written) ? written.length : 'no'} outputs for ${inputs.length} inputs`,
      );
    }
    indexes.forEach((entryIndex, k) => {
      outputs[entryIndex] = written[k];
    });
  }
  return outputs;
}
