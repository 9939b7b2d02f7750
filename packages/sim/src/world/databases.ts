import Database from 'better-sqlite3';
import { Ledger } from '@strife/ledger';
import { migrate } from '@strife/sqlite';
import { GATEWAY_MIGRATIONS } from 'gateway/dist/store/sqlite/schema';

/** Which schema a pooled connection holds. */
export type DatabaseKind = 'books' | 'gateway';

/** Connections not in use, per kind, each holding an empty, migrated schema. */
const idle: Record<DatabaseKind, Database.Database[]> = { books: [], gateway: [] };
/** How to empty each pooled connection. */
const emptiers = new WeakMap<Database.Database, () => void>();

/** As `openDurableDatabase` configures a connection (WAL and fsync mean nothing in memory). */
function configure(db: Database.Database): Database.Database {
  db.pragma('foreign_keys = ON');
  db.defaultSafeIntegers(true);
  return db;
}

/** Per connection, how many statements that may write have run on it (see `writeCount`). */
const writes = new WeakMap<Database.Database, { n: number }>();

/**
 * Counts every call that may change the connection's data: each run of a statement that is not
 * read-only (whichever method runs it: `run`, or `get`/`all`/`iterate` for `RETURNING`), every
 * `exec` and every `pragma`. Transactions change data only through such statements, and a
 * rollback only undoes writes counted since its transaction began (transactions never stay open
 * between two events: better-sqlite3's are synchronous), so while the count stands still the
 * connection holds what it held.
 */
function countWrites(db: Database.Database): void {
  const count = { n: 0 };
  writes.set(db, count);
  const exec = db.exec.bind(db);
  db.exec = (source: string) => {
    count.n += 1;
    return exec(source);
  };
  const pragma = db.pragma.bind(db);
  db.pragma = (source: string, options?: Database.PragmaOptions) => {
    count.n += 1;
    return pragma(source, options);
  };
}

/**
 * `db.transaction` as better-sqlite3 makes it (`lib/methods/transaction.js`: the same statements
 * and the same behaviour: BEGIN, or a savepoint inside a transaction; commit or release; on a
 * throw, roll back and rethrow; a promise refused), without its `Object.defineProperties` on four
 * fresh functions, which costs as much as running a batch. Every life of a node makes a few
 * transaction functions in its constructors. The variants are plain properties, not read-only.
 */
function cheapTransactions(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const commit = prepare('COMMIT');
  const rollback = prepare('ROLLBACK');
  const savepoint = prepare('SAVEPOINT `\t_bs3.\t`');
  const release = prepare('RELEASE `\t_bs3.\t`');
  const rollbackTo = prepare('ROLLBACK TO `\t_bs3.\t`');
  const wrap = (begin: Database.Statement, fn: (...args: unknown[]) => unknown) =>
    function sqliteTransaction(this: unknown, ...args: unknown[]): unknown {
      let before: Database.Statement;
      let after: Database.Statement;
      let undo: Database.Statement;
      if (db.inTransaction) {
        before = savepoint;
        after = release;
        undo = rollbackTo;
      } else {
        before = begin;
        after = commit;
        undo = rollback;
      }
      before.run();
      try {
        const result = Reflect.apply(fn, this, args);
        if (
          result !== null &&
          (typeof result === 'object' || typeof result === 'function') &&
          typeof (result as { then?: unknown }).then === 'function'
        ) {
          throw new TypeError('Transaction function cannot return a promise');
        }
        after.run();
        return result;
      } catch (error) {
        if (db.inTransaction) {
          undo.run();
          if (undo !== rollback) after.run();
        }
        throw error;
      }
    };
  const begins = {
    default: prepare('BEGIN'),
    deferred: prepare('BEGIN DEFERRED'),
    immediate: prepare('BEGIN IMMEDIATE'),
    exclusive: prepare('BEGIN EXCLUSIVE'),
  };
  const make = (fn: (...args: unknown[]) => unknown) => {
    if (typeof fn !== 'function') throw new TypeError('Expected first argument to be a function');
    const variants = {
      default: wrap(begins.default, fn),
      deferred: wrap(begins.deferred, fn),
      immediate: wrap(begins.immediate, fn),
      exclusive: wrap(begins.exclusive, fn),
    };
    for (const variant of Object.values(variants))
      Object.assign(variant, variants, { database: db });
    return variants.default;
  };
  db.transaction = make as typeof db.transaction;
}

/**
 * Keeps the statement of each pragma that reads (`user_version`, read by every migration check,
 * so at every start of a node), which better-sqlite3 compiles again at each call. A pragma that
 * writes, or one called with other options, runs as before. Its own statements: no statement
 * shared through the cache changes mode.
 */
function cachePragmas(db: Database.Database): void {
  const pragma = db.pragma.bind(db);
  const prepare = db.prepare.bind(db);
  const reads = new Map<string, Database.Statement | null>();
  db.pragma = (source: string, options?: Database.PragmaOptions) => {
    const simple = options?.simple;
    if (typeof source !== 'string' || (options !== undefined && typeof simple !== 'boolean')) {
      return pragma(source, options);
    }
    const key = `${simple === true ? 'simple' : 'all'} ${source}`;
    let statement = reads.get(key);
    if (statement === undefined) {
      const made = prepare(`PRAGMA ${source}`);
      statement = made.reader ? (simple === true ? made.pluck(true) : made) : null;
      reads.set(key, statement);
    }
    if (statement === null) return pragma(source, options);
    return simple === true ? statement.get() : statement.all();
  };
}

/** Makes each run of `statement` count as a write of its connection, unless it is read-only. */
function countRuns(db: Database.Database, statement: Database.Statement): void {
  const count = writes.get(db);
  if (count === undefined || statement.readonly) return;
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const call = Reflect.get(statement, method) as (...args: unknown[]) => unknown;
    Object.defineProperty(statement, method, {
      configurable: true,
      writable: true,
      value: function (this: Database.Statement, ...args: unknown[]): unknown {
        count.n += 1;
        return call.apply(this, args);
      },
    });
  }
}

/**
 * How many calls that may write have run on a connection of the pool so far: while it stays the
 * same, every query reads what it read before. Undefined for a connection not from the pool.
 */
export function writeCount(db: Database.Database): number | undefined {
  return writes.get(db)?.n;
}

/**
 * Caches this connection's prepared statements by their SQL. Every life of a node prepares the
 * same few dozen statements in its constructors, and compiling them was most of the cost of a
 * schedule. Sharing one is transparent for the statements Strife uses: it runs them one call at
 * a time (`run`, `get`, `all`: no iterators) and never changes their mode (`pluck`, `raw`).
 */
function cacheStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement === undefined) {
      statement = prepare(source);
      countRuns(db, statement);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof db.prepare;
}

function create(kind: DatabaseKind): Database.Database {
  const db = configure(new Database(':memory:'));
  if (kind === 'books') Ledger.attach(db);
  else migrate(db, GATEWAY_MIGRATIONS, { name: 'gateway.db' });
  cheapTransactions(db);
  cachePragmas(db);
  countWrites(db);
  cacheStatements(db);
  emptiers.set(db, emptier(db));
  return db;
}

/**
 * Empties every table, leaving the schema: the state of a freshly migrated file. Tables are
 * emptied children first, so that foreign keys stay on: switching `foreign_keys` off and on
 * would expire every statement of the connection, each to be compiled again at its next run.
 * The statements and the transaction are made once per connection (a better-sqlite3 transaction
 * costs as much to make as to run).
 */
function emptier(db: Database.Database): () => void {
  const tables = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .all()
    .map((t) => t.name);
  const parents = new Map(
    tables.map((table) => [
      table,
      db
        .prepare<[string], { table: string }>('SELECT "table" FROM pragma_foreign_key_list(?)')
        .all(table)
        .map((fk) => fk.table)
        .filter((parent) => parent !== table),
    ]),
  );
  // A table goes once no table left refers to it.
  const order: string[] = [];
  while (parents.size > 0) {
    const referred = new Set([...parents.values()].flat());
    const next = [...parents.keys()].filter((table) => !referred.has(table));
    if (next.length === 0)
      throw new Error(`foreign keys in a cycle: ${[...parents.keys()].join(', ')}`);
    for (const table of next) {
      order.push(table);
      parents.delete(table);
    }
  }
  const deletes = order.map((table) => db.prepare(`DELETE FROM "${table}"`));
  const empty = db.transaction(() => {
    for (const statement of deletes) statement.run();
  });
  return () => {
    empty();
  };
}

/**
 * An in-memory database with the empty, migrated schema of a bank's books or of the gateway
 * instances' shared `gateway.db`. The connection is the node's disk: it outlives every crash of
 * the node, holding exactly what its transactions committed. Connections are reused across
 * schedules (emptied first), so their statements stay compiled; give each back with `release`.
 */
export function acquire(kind: DatabaseKind): Database.Database {
  const db = idle[kind].pop();
  if (db === undefined) return create(kind);
  emptiers.get(db)?.();
  return db;
}

/** Gives a connection back for the next schedule. */
export function release(kind: DatabaseKind, db: Database.Database): void {
  if (db.open && !db.inTransaction) idle[kind].push(db);
}
