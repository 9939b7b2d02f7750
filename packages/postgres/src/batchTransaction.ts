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
 * (writers in the order of their first entry), COMMIT; or, when every entry is of one
 * `oneStatement` writer, that one statement alone. Never throws.
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
  const writer = entries[0]?.writer;
  if (writer?.oneStatement === true && entries.every((e) => e.writer === writer)) {
    return statement(client, entries, beforeCommit);
  }
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

/**
 * Runs the one statement of a `oneStatement` writer's batch on its own (the server commits it
 * as it ends). `beforeCommit` runs first, so an injected fault writes nothing. A statement whose
 * connection was lost may have committed: `unavailable` with outcome `unknown`.
 */
async function statement(
  client: PoolClient,
  entries: readonly Entry[],
  beforeCommit: (() => void) | undefined,
): Promise<Attempt> {
  try {
    beforeCommit?.();
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      return { kind: 'unavailable', error: DatabaseUnavailable.from(error, 'not-committed') };
    }
    return { kind: 'failed', error };
  }
  try {
    return { kind: 'committed', outputs: await runWriters(client, entries) };
  } catch (error) {
    // A refused statement applied nothing; after a lost connection, or outputs that do not fit
    // a statement the server may have committed, nobody knows.
    if (isDatabaseUnavailable(error)) {
      return { kind: 'unavailable', error: DatabaseUnavailable.from(error, 'unknown') };
    }
    if (error instanceof WrongOutputs) {
      const message = `the statement ran, its outcome is unknown: ${error.message}`;
      return {
        kind: 'unavailable',
        error: new DatabaseUnavailable(message, 'unknown', { cause: error }),
      };
    }
    return { kind: 'failed', error };
  }
}

/** A writer returned other than one output per input. */
class WrongOutputs extends Error {}

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
      throw new WrongOutputs(
        `BatchWriter ${writer.name} returned ${Array.isArray(written) ? written.length : 'no'} outputs for ${inputs.length} inputs`,
      );
    }
    indexes.forEach((entryIndex, k) => {
      outputs[entryIndex] = written[k];
    });
  }
  return outputs;
}
