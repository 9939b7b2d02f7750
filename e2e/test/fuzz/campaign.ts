import fc from 'fast-check';
import { type Channel, Status } from 'nice-grpc';
import { authorization, type FuzzWorld, mutated, randomBody } from './arbitraries';
import { DOCUMENTED, type Identity, MAX_RECEIVE_BYTES, UNDECODABLE } from './policy';
import { type Observer, type Rpc, withUnknownField } from './rpcs';
import { callRaw } from './wire';

/** Every call must be answered within this; one that is not is a failure, not a slow call. */
export const DEADLINE_MS = 5000;

/** Kinds of input: generated messages, raw or mutated bytes, oversized fields, a too-large body. */
export type CaseKind = 'message' | 'raw' | 'oversized' | 'too-large';

interface Case {
  readonly kind: CaseKind;
  readonly body: Uint8Array;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One batch: one RPC, on one server, with one identity's certificate, over one channel. */
export interface Batch {
  readonly rpc: Rpc;
  /** Server name, e.g. `SBI`. */
  readonly server: string;
  readonly identity: Identity;
  readonly admitted: boolean;
  readonly channel: Channel;
  /** Generated messages to send (raw and oversized cases come on top). */
  readonly runs: number;
  readonly seed: number;
  /**
   * Whether to send the mebibyte-field variants (`Rpc.oversized`): once per RPC and server, with
   * one admitted identity, since every admitted caller reaches the same handler. Every batch
   * sends the mebibyte unknown field.
   */
  readonly oversizedFields: boolean;
  /** Whether to also send a body past grpc-js's 4 MiB receive limit. */
  readonly tooLarge: boolean;
}

/** FNV-1a of `text`: a stable per-batch seed, so one batch replays whatever the others do. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (const ch of text) hash = Math.imul(hash ^ (ch.codePointAt(0) ?? 0), 0x01000193);
  return hash >>> 0;
}

/** Metadata for a case: a session (as `rpc` uses them) and sometimes a forged peer identity. */
function metadataFor(rpc: Rpc, world: FuzzWorld): fc.Arbitrary<Record<string, string>> {
  const tokens =
    rpc.sessions === 'fuzz'
      ? world.sessions
      : rpc.sessions === 'logout'
        ? world.logoutSessions
        : [];
  const auth =
    tokens.length > 0
      ? authorization(tokens, world)
      : fc.option(fc.constantFrom('Bearer x', `Bearer ${world.sessions[0] ?? ''}`), { freq: 4 });
  const forged = fc.option(
    fc.constantFrom('gateway/gateway', 'bank/ICICI', 'bank/SBI', 'client/client', 'monitor/x', '!'),
    { freq: 3 },
  );
  return fc.tuple(auth, forged).map(([a, f]) => ({
    ...(a == null ? {} : { authorization: a }),
    ...(f == null ? {} : { 'x-strife-peer-identity': f }),
  }));
}

/** The cases of a batch, all drawn from its seed. */
export function casesOf(batch: Batch, world: FuzzWorld): Case[] {
  const { rpc, admitted, runs, seed } = batch;
  const metadata = metadataFor(rpc, world);
  const message = rpc.requests(world, admitted);
  const messages = fc.sample(fc.tuple(message, metadata), { seed, numRuns: runs });
  // Raw bytes the server might decode into a money-moving request are never sent by the one
  // caller a bank obeys (see Rpc.safe); for everyone else they must be refused anyway.
  const raw = fc
    .tuple(fc.oneof(randomBody, mutated(message)), metadata)
    .filter(([body]) => !admitted || rpc.safe(body, world));
  const raws = fc.sample(raw, { seed: seed + 1, numRuns: Math.max(2, Math.ceil(runs / 2)) });
  const [first] = fc.sample(metadata, { seed: seed + 2, numRuns: 1 });
  const oversized = rpc.oversized(world, admitted, seed + 3);
  const cases: Case[] = [
    ...messages.map(([body, m]) => ({ kind: 'message' as const, body, metadata: m })),
    ...raws.map(([body, m]) => ({ kind: 'raw' as const, body, metadata: m })),
    ...(batch.oversizedFields ? oversized : oversized.slice(-1)).map((body) => ({
      kind: 'oversized' as const,
      body,
      metadata: first ?? {},
    })),
  ];
  if (batch.tooLarge) {
    const body = withUnknownField(new Uint8Array(), MAX_RECEIVE_BYTES + 1024);
    cases.push({ kind: 'too-large', body, metadata: first ?? {} });
  }
  return cases;
}

/** The input of a case, short enough for a report: decoded with long strings cut, or raw bytes. */
export function summary(rpc: Rpc, body: Uint8Array): string {
  let text: string;
  try {
    text = JSON.stringify(rpc.decodeRequest(body), (_key, value: unknown) => {
      if (typeof value === 'bigint') return `${value}n`;
      if (typeof value === 'string' && value.length > 48) {
        return `${JSON.stringify(value.slice(0, 24)).slice(1, -1)}…(${value.length} chars)`;
      }
      return value;
    });
  } catch {
    text = `${body.length} raw bytes ${Buffer.from(body.subarray(0, 24)).toString('hex')}`;
  }
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** Which session a case's metadata carries, for a report. */
function session(metadata: Readonly<Record<string, string>>, world: FuzzWorld): string {
  const { authorization: header } = metadata;
  if (header === undefined) return 'no session';
  const token = header.replace(/^Bearer /, '');
  if (world.sessions.includes(token)) return 'live session';
  if (world.logoutSessions.includes(token)) return 'session from the Logout pool';
  if (token === world.revokedSession) return 'revoked session';
  return `junk authorization of ${header.length} characters`;
}

/**
 * The statuses a case may be answered with. A body that does not decode as the request type
 * may also get grpc-js's own answer (`UNDECODABLE`); INTERNAL is accepted nowhere else.
 */
function allowed(batch: Batch, kind: CaseKind, body: Uint8Array): readonly Status[] {
  if (!batch.admitted) return [Status.PERMISSION_DENIED];
  if (kind === 'too-large') return [Status.RESOURCE_EXHAUSTED];
  try {
    batch.rpc.decodeRequest(body);
  } catch {
    return [UNDECODABLE.code, Status.INVALID_ARGUMENT];
  }
  return DOCUMENTED[batch.rpc.path.slice(1)] ?? [];
}

/** Longest error message a caller may get back, in UTF-8 bytes. */
export const MAX_DETAILS = 1024;

/**
 * Sends every case of `batch`, one at a time, and returns what broke the per-call invariants:
 * a status outside the documented set for that RPC and identity, no answer within
 * `DEADLINE_MS`, an error message over `MAX_DETAILS`, or an OK answer that is malformed or
 * echoes oversized input (`Rpc.checkAnswer`).
 */
export async function runBatch(
  batch: Batch,
  world: FuzzWorld,
  observer: Observer,
): Promise<{ calls: number; violations: string[]; codes: Map<string, number> }> {
  const cases = casesOf(batch, world);
  const violations: string[] = [];
  const codes = new Map<string, number>();
  for (const [i, c] of cases.entries()) {
    const answer = await callRaw(batch.channel, batch.rpc.path, c.body, c.metadata, DEADLINE_MS);
    const problems: string[] = [];
    const undecodable = answer.code === UNDECODABLE.code && answer.details === UNDECODABLE.details;
    const name = undecodable ? 'undecodable' : Status[answer.code];
    codes.set(name, (codes.get(name) ?? 0) + 1);
    const documented = allowed(batch, c.kind, c.body);
    if (answer.code === Status.DEADLINE_EXCEEDED || answer.code === Status.CANCELLED) {
      problems.push(`no answer within ${DEADLINE_MS} ms (${Status[answer.code]})`);
    } else if (
      !documented.includes(answer.code) ||
      (answer.code === Status.INTERNAL && !undecodable)
    ) {
      problems.push(
        `${Status[answer.code]} "${answer.details.slice(0, 160)}" is not one of ${documented.map((s) => Status[s]).join(', ')}`,
      );
    }
    const detailBytes = Buffer.byteLength(answer.details);
    if (detailBytes > MAX_DETAILS) problems.push(`a ${detailBytes}-byte error message`);
    if (answer.code === Status.OK && answer.body) {
      problems.push(...batch.rpc.checkAnswer(c.body, answer.body, observer));
    }
    for (const problem of problems) {
      const where = `${batch.rpc.name} on ${batch.server} as ${batch.identity}`;
      violations.push(
        `${where}, ${c.kind} case ${i} (seed ${batch.seed}, ${session(c.metadata, world)}): ${problem}; input ${summary(batch.rpc, c.body)}`,
      );
    }
  }
  return { calls: cases.length, violations, codes };
}
