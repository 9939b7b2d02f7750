import { randomBytes } from 'node:crypto';
import { createDatabase } from '../createDatabase';
import { parseDatabaseUrl } from '../databaseUrl';
import { startPrivatePostgres, type PrivatePostgres } from '../server/privatePostgres';

/**
 * The environment variable through which a jest run's test files find its server. Set it
 * before running jest to use a server of your own instead of a private one.
 */
export const TEST_DATABASE_URL_ENV = 'STRIFE_TEST_DATABASE_URL';

/** Where the server started by `startTestServer` is kept until `stopTestServer` (one process). */
const SERVER = Symbol.for('@strife/postgres/testServer');
type WithServer = typeof globalThis & { [SERVER]?: PrivatePostgres };

/**
 * For jest's `globalSetup`: starts one private server for the whole run and publishes its URL
 * in `STRIFE_TEST_DATABASE_URL` for the test files (jest's workers inherit it). If the variable
 * is already set, that server is used and nothing is started.
 */
export async function startTestServer(): Promise<void> {
  const given = process.env[TEST_DATABASE_URL_ENV];
  if (given !== undefined && given !== '') {
    parseDatabaseUrl(given, TEST_DATABASE_URL_ENV);
    return;
  }
  const server = await startPrivatePostgres();
  (globalThis as WithServer)[SERVER] = server;
  process.env[TEST_DATABASE_URL_ENV] = server.url;
}

/** For jest's `globalTeardown`: stops the server `startTestServer` started, if it did. */
export async function stopTestServer(): Promise<void> {
  const holder = globalThis as WithServer;
  const server = holder[SERVER];
  if (server === undefined) return;
  Reflect.deleteProperty(holder, SERVER);
  Reflect.deleteProperty(process.env, TEST_DATABASE_URL_ENV);
  await server.stop();
}

/**
 * Creates a fresh database on the run's server and returns its URL: call it once per test file
 * (e.g. in `beforeAll`), so files running in parallel never share tables.
 */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const url = process.env[TEST_DATABASE_URL_ENV];
  if (url === undefined || url === '') {
    throw new Error(
      `${TEST_DATABASE_URL_ENV} is not set: add globalSetup '@strife/postgres/jest-global-setup' and globalTeardown '@strife/postgres/jest-global-teardown' to jest.config.js`,
    );
  }
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase();
  return createDatabase(url, name);
}
