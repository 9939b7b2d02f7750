import { ConfigError, type Logger, type StrifeConfig } from '@strife/runtime';
import { DatabaseUrlError, parseDatabaseUrl, redactUrl } from '@strife/postgres';
import type { GatewayStore, StoreOptions } from './gatewayStore';
import { openPgStore } from './postgres/openPgStore';
import { openSqliteStore } from './sqlite/openSqliteStore';

/** A store that still has to reach its database before it can serve. */
export interface OpenedStore {
  readonly store: GatewayStore;
  /** Where the state lives, for the start-up log (a URL without its password). */
  readonly where: string;
  /**
   * Prepares the database (schema migrations, repairs) and resolves with what it did once the
   * store can serve; rejects while the database cannot be reached (call again).
   */
  readonly prepare: () => Promise<string[]>;
}

/**
 * The gateway's state: PostgreSQL when the cluster file or `STRIFE_DATABASE_URL` names a database
 * (several instances can share it), else SQLite in `STRIFE_DATA_DIR` (one instance).
 * @throws ConfigError naming the setting for a malformed database URL (without its password).
 */
export async function openStore(
  config: StrifeConfig,
  options: StoreOptions,
  logger: Logger,
): Promise<OpenedStore> {
  const { database, databaseSetting } = config.gateway;
  if (database !== undefined) {
    try {
      parseDatabaseUrl(database, databaseSetting);
    } catch (err) {
      if (err instanceof DatabaseUrlError) throw new ConfigError(err.message);
      throw err;
    }
    const store = openPgStore({
      ...options,
      url: database,
      onPoolError: (err) => logger.warn({ err: err.message }, 'a database connection broke'),
    });
    return { store, where: redactUrl(database), prepare: () => store.migrate() };
  }
  const store = await openSqliteStore(config.dataDir, options);
  const { merged, schema, reconciled } = store.report;
  const notes = [
    `gateway.db schema ${schema.from} → ${schema.to}`,
    ...(merged.length > 0 ? [`merged older files: ${merged.join(', ')}`] : []),
    ...(reconciled > 0 ? [`settled ${reconciled} payments decided before the upgrade`] : []),
  ];
  return { store, where: config.dataDir, prepare: () => Promise.resolve(notes) };
}
