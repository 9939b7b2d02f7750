import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Owner } from '@strife/coordinator';
import { createTestDatabase } from '@strife/postgres/testing';
import { describeAbort } from '../src/payments/abortReason';
import type { GatewayStore } from '../src/store/gatewayStore';
import { openPgStore } from '../src/store/postgres/openPgStore';
import { openSqliteStore } from '../src/store/sqlite/openSqliteStore';

export const describe5s = (cause: Parameters<typeof describeAbort>[0]) =>
  describeAbort(cause, 5000);

/** An instance of a gateway store, as one gateway process would open it. */
export type OpenInstance = (owner?: Partial<Owner>) => Promise<GatewayStore>;

/**
 * One database of a backend, and a way to open instances of the store on it. SQLite serves one
 * instance (a second open gets a new incarnation of it); PostgreSQL any number.
 */
export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** Whether several instances may share the database at once. */
  readonly shared: boolean;
  fresh(): Promise<{ open: OpenInstance; close: () => Promise<void> }>;
}

function owner(partial: Partial<Owner> = {}): Owner {
  return { name: 'gw1', incarnation: randomUUID(), leaseMs: 3000, ...partial };
}

export const BACKENDS: readonly Backend[] = [
  {
    name: 'sqlite',
    shared: false,
    fresh: () => {
      const dir = mkdtempSync(join(tmpdir(), 'strife-gateway-store-'));
      const opened: GatewayStore[] = [];
      return Promise.resolve({
        open: async (partial) => {
          const store = await openSqliteStore(dir, { owner: owner(partial), describe: describe5s });
          opened.push(store);
          return store;
        },
        close: async () => {
          for (const store of opened) await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      });
    },
  },
  {
    name: 'postgres',
    shared: true,
    fresh: async () => {
      const url = await createTestDatabase('gateway');
      const opened: GatewayStore[] = [];
      return {
        open: async (partial) => {
          const store = openPgStore({
            url,
            owner: owner(partial),
            describe: describe5s,
            onPoolError: () => undefined,
          });
          await store.migrate();
          opened.push(store);
          return store;
        },
        close: async () => {
          for (const store of opened) await store.close();
        },
      };
    },
  },
];
