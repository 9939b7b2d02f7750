import { Client, escapeIdentifier } from 'pg';
import { parseDatabaseUrl } from './databaseUrl';

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the database `name` on the server of `url` (whose user may create databases) and
 * returns `url` naming it instead. For tests: each test file gets a database of its own.
 */
export async function createDatabase(url: string, name: string): Promise<string> {
  parseDatabaseUrl(url, 'createDatabase url');
  if (!NAME.test(name)) {
    throw new RangeError(`database name ${JSON.stringify(name)} must match ${NAME.source}`);
  }
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined); // reported by the query instead
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const created = new URL(url);
  created.pathname = `/${name}`;
  return created.href;
}
