import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactUrl } from '@strife/postgres';
import { ConfigError, loadConfig, SINGLE_GATEWAY, type StrifeConfig } from '@strife/runtime';
import { writeDerivedCluster } from './derivedCluster';
import { writeMetricsCluster } from './metricsCluster';
import { type GatewayDatabase, startGatewayDatabase } from './gatewayDatabase';

/** What `pnpm start` runs: the configuration, the children's environment, and what to clean up. */
export interface RunPlan {
  readonly config: StrifeConfig;
  /** Environment every child gets: STRIFE_CONFIG, STRIFE_DATA_DIR, STRIFE_CERTS_DIR. */
  readonly env: Readonly<Record<string, string>>;
  /** Environment only the gateways get: the private database's URL, if there is one. */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  /** The cluster file written for `--gateways N`, if one was. */
  readonly derivedFile: string | undefined;
  /** Lines saying where the gateways' state and this run's books are. */
  readonly notes: readonly string[];
  /** Stops the private database and removes this run's temporary books, if any. Idempotent. */
  close(): Promise<void>;
}

/**
 * Plans a run of `base` with `gateways` instances (undefined: as many as the file lists), and with
 * `metrics`, a metrics address for every service that has none (see `writeMetricsCluster`).
 * More than one instance of a single-gateway file gets a derived cluster file (see
 * `writeDerivedCluster`). Several instances without a database (`gateway.database`,
 * `STRIFE_DATABASE_URL`) get a private PostgreSQL for this run, and then the run's books
 * (txid's and the banks' SQLite files) live in a temporary folder too: books kept across runs
 * beside a coordinator log that is not would let a bank presume abort a committed payment, and a
 * retried key pay twice.
 * @throws ConfigError when `gateways` contradicts a file that lists its instances.
 */
export async function planRun(
  base: StrifeConfig,
  gateways: number | undefined,
  progress: (line: string) => void,
  metrics = false,
): Promise<RunPlan> {
  const listed = base.gateway.instances;
  const single = listed.length === 1 && listed[0]?.name === SINGLE_GATEWAY;
  if (gateways !== undefined && !single && gateways !== listed.length) {
    throw new ConfigError(
      `--gateways ${gateways}: ${base.configFile} already lists ${listed.length} gateway instances; give --gateways ${listed.length} or leave it out`,
    );
  }
  const withGateways =
    single && gateways !== undefined && gateways > 1
      ? await writeDerivedCluster(base, gateways)
      : undefined;
  const derivedFile = metrics
    ? await writeMetricsCluster({
        configFile: withGateways ?? base.configFile,
        dataDir: base.dataDir,
      })
    : withGateways;
  const env: Record<string, string> = {
    STRIFE_CONFIG: derivedFile ?? base.configFile,
    STRIFE_DATA_DIR: base.dataDir,
    STRIFE_CERTS_DIR: base.certsDir,
  };
  const config = loadConfig({ ...process.env, ...env });
  const notes: string[] = [];
  if (derivedFile !== undefined) {
    const what = [
      withGateways === undefined ? '' : `${gateways ?? 1} gateways`,
      metrics ? 'metrics addresses' : '',
    ].filter(Boolean);
    notes.push(`cluster file with ${what.join(' and ')}: ${derivedFile}`);
  }
  const { database, databaseSetting, instances } = config.gateway;
  if (instances.length === 1)
    return plan(config, env, {}, derivedFile, notes, () => Promise.resolve());
  if (database !== undefined) {
    notes.push(`gateway state: PostgreSQL at ${redactUrl(database)} (${databaseSetting})`);
    return plan(config, env, {}, derivedFile, notes, () => Promise.resolve());
  }

  progress('starting a private PostgreSQL for the gateways’ shared state…');
  const db = await startGatewayDatabase();
  try {
    const books = mkdtempSync(join(tmpdir(), 'strife-run-'));
    const removeBooks = (): void => {
      rmSync(books, { recursive: true, force: true });
    };
    // Also on an unplanned exit; the database guards itself the same way.
    process.once('exit', removeBooks);
    env.STRIFE_DATA_DIR = books;
    notes.push(
      `gateway state: private PostgreSQL (${db.source} binaries) at ${db.redacted}, data directory ${db.dataDir}`,
      `this run's books (txid, banks): ${books}`,
      'both are temporary and removed when this stops; set gateway.database or STRIFE_DATABASE_URL to keep them',
    );
    const runConfig = loadConfig({ ...process.env, ...env, STRIFE_DATABASE_URL: db.url });
    return plan(runConfig, env, { STRIFE_DATABASE_URL: db.url }, derivedFile, notes, async () => {
      await stopQuietly(db);
      removeBooks();
    });
  } catch (err) {
    await stopQuietly(db);
    throw err;
  }
}

function plan(
  config: StrifeConfig,
  env: Readonly<Record<string, string>>,
  gatewayEnv: Readonly<Record<string, string>>,
  derivedFile: string | undefined,
  notes: readonly string[],
  cleanUp: () => Promise<void>,
): RunPlan {
  let closing: Promise<void> | undefined;
  return {
    config,
    env,
    gatewayEnv,
    derivedFile,
    notes,
    close: () => (closing ??= cleanUp()),
  };
}

async function stopQuietly(db: GatewayDatabase): Promise<void> {
  try {
    await db.stop();
  } catch {
    // It is stopped at exit all the same (startPrivatePostgres guards it).
  }
}
