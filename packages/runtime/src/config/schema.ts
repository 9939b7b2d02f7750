import { BANK_NAME } from '@strife/domain';
import { z } from 'zod';

const address = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected HOST:PORT, e.g. 127.0.0.1:50051')
  .refine((value) => Number(value.split(':')[1]) <= 65535, 'port must be at most 65535');

/**
 * An IPv4 literal HOST:PORT. Clients balance over several instances' addresses as one grpc-js
 * `ipv4:` target, which takes only these.
 */
export const IPV4_ADDRESS = /^(\d{1,3}\.){3}\d{1,3}:\d{1,5}$/;

const timeoutMs = z.number().int().min(1).max(600_000);
const retentionMs = z
  .number()
  .int()
  .min(1)
  .max(3650 * 86_400_000);
const durationMs = z
  .number()
  .int()
  .min(1)
  .max(90 * 86_400_000);

/** A gateway instance's name: stable across restarts, unique in the cluster file. */
export const INSTANCE_NAME = /^[a-z0-9-]{1,32}$/;

/** Where a service serves Prometheus metrics over HTTPS, to the monitor role; none by default. */
const metricsAddress = address.optional();

const instance = z.strictObject({
  name: z.string().regex(INSTANCE_NAME, 'expected lower-case letters, digits and -, e.g. gw1'),
  address,
  metricsAddress,
});

const count = z.number().int().min(1).max(1_000_000);

const bank = z.strictObject({
  name: z.string().regex(BANK_NAME, 'expected an upper-case bank name, e.g. SBI'),
  address,
  seed: z.string().min(1).optional(),
  metricsAddress,
});

/** The cluster file's shape; see DESIGN.md "Contracts". */
export const clusterFileSchema = z
  .strictObject({
    txid: z.strictObject({ address, metricsAddress }),
    gateway: z
      .strictObject({
        /** One instance at this address. */
        address: address.optional(),
        /** The one instance's metrics address (with `instances`, each has its own). */
        metricsAddress,
        /** Several instances, each run with `GATEWAY_NAME` set to its name. */
        instances: z.array(instance).min(1, 'at least one instance is required').optional(),
        /** The PostgreSQL URL of the gateways' shared state; `STRIFE_DATABASE_URL` overrides it. */
        database: z.string().min(1).optional(),
        prepareTimeoutMs: timeoutMs.default(5000),
        commitTimeoutMs: timeoutMs.default(5000),
        /** A session unused for this long expires. Default 30 minutes. */
        sessionIdleMs: durationMs.default(30 * 60_000),
        /** A session expires this long after login, however busy. Default 12 hours. */
        sessionTtlMs: durationMs.default(12 * 3_600_000),
        /**
         * How long a decided payment (its key, its record in the history, its decision) is kept;
         * after that a retry of its key is refused. Default 30 days.
         */
        idempotencyRetentionMs: retentionMs.default(30 * 86_400_000),
        /**
         * How long an instance's lease on the payments it works on lasts without renewal (renewed
         * every third of it); a survivor takes over a dead instance's payments after this.
         * Default 3000 ms.
         */
        leaseMs: z.number().int().min(300).max(600_000).default(3000),
        /** How login attempts are limited; see `ThrottlePolicy` in the gateway. */
        loginThrottle: z
          .strictObject({
            windowMs: durationMs.default(15 * 60_000),
            perUserAndAddress: count.default(5),
            perAddress: count.default(50),
            perUser: count.default(20),
          })
          .default({ windowMs: 15 * 60_000, perUserAndAddress: 5, perAddress: 50, perUser: 20 }),
      })
      .superRefine((gateway, ctx) => {
        if ((gateway.address === undefined) === (gateway.instances === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: gateway.address === undefined ? [] : ['instances'],
            message: 'give either address (one instance) or instances, not both',
          });
        }
        const names = new Set<string>();
        const addresses = new Set<string>();
        (gateway.instances ?? []).forEach((i, index) => {
          if (names.has(i.name)) {
            ctx.addIssue({
              code: 'custom',
              path: ['instances', index, 'name'],
              message: `duplicate instance ${i.name}`,
            });
          }
          if (addresses.has(i.address)) {
            ctx.addIssue({
              code: 'custom',
              path: ['instances', index, 'address'],
              message: `duplicate address ${i.address}`,
            });
          }
          if ((gateway.instances ?? []).length > 1 && !IPV4_ADDRESS.test(i.address)) {
            ctx.addIssue({
              code: 'custom',
              path: ['instances', index, 'address'],
              message: `with several instances, each address must be an IPv4 literal (clients balance over them), e.g. 10.0.0.5:50052; got ${i.address.slice(0, 40)}`,
            });
          }
          names.add(i.name);
          addresses.add(i.address);
        });
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
    /** The operator's console (`apps/console`), serving its page on this address. */
    console: z.strictObject({ address }).optional(),
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
