import { BANK_NAME } from '@strife/domain';
import { z } from 'zod';

const address = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected HOST:PORT, e.g. 127.0.0.1:50051')
  .refine((value) => Number(value.split(':')[1]) <= 65535, 'port must be at most 65535');

const timeoutMs = z.number().int().min(1).max(600_000);
const durationMs = z
  .number()
  .int()
  .min(1)
  .max(90 * 86_400_000);

const bank = z.strictObject({
  name: z.string().regex(BANK_NAME, 'expected an upper-case bank name, e.g. SBI'),
  address,
  seed: z.string().min(1).optional(),
});

/** The cluster file's shape; see DESIGN.md "Contracts". */
export const clusterFileSchema = z
  .strictObject({
    txid: z.strictObject({ address }),
    gateway: z.strictObject({
      address,
      prepareTimeoutMs: timeoutMs.default(5000),
      commitTimeoutMs: timeoutMs.default(5000),
      /** A session unused for this long expires. Default 30 minutes. */
      sessionIdleMs: durationMs.default(30 * 60_000),
      /** A session expires this long after login, however busy. Default 12 hours. */
      sessionTtlMs: durationMs.default(12 * 3_600_000),
      /** How long a finished payment's idempotency key is kept. Default 30 days. */
      idempotencyRetentionMs: durationMs.default(30 * 86_400_000),
    }),
    banks: z
      .array(bank)
      .min(1, 'at least one bank is required')
      .superRefine((banks, ctx) => {
        const seen = new Set<string>();
        banks.forEach((b, i) => {
          if (seen.has(b.name)) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'name'],
              message: `duplicate bank ${b.name}`,
            });
          }
          seen.add(b.name);
        });
      }),
    users: z.string().min(1).optional(),
    /** How banks resolve PREPARED legs the coordinator has not finished. */
    recovery: z
      .strictObject({
        /** A PREPARED leg older than this is in doubt. Default: prepare + commit timeout. */
        inDoubtAfterMs: timeoutMs.optional(),
        /** How often a bank looks for in-doubt legs. Default 1000 ms. */
        intervalMs: timeoutMs.default(1000),
      })
      .optional(),
  })
  .superRefine((file, ctx) => {
    const inDoubt = file.recovery?.inDoubtAfterMs;
    if (inDoubt !== undefined && inDoubt <= file.gateway.prepareTimeoutMs) {
      // A bank asking about a leg whose prepare phase may still run would get a presumed abort
      // and kill a payment that could have committed.
      ctx.addIssue({
        code: 'custom',
        path: ['recovery', 'inDoubtAfterMs'],
        message: `must be longer than gateway.prepareTimeoutMs (${file.gateway.prepareTimeoutMs})`,
      });
    }
  });

export type ClusterFile = z.infer<typeof clusterFileSchema>;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
