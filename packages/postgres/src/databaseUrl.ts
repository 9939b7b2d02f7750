const EXPECTED = 'expected postgresql://user:password@host:port/database';
const SCHEMES = new Set(['postgres:', 'postgresql:']);
/** Query parameters that libpq and `pg` read as secrets. */
const SECRET_PARAMS = ['password', 'sslpassword'];
const REDACTED = '***';

/** A database URL setting that cannot be used; its message is one line and never holds a secret. */
export class DatabaseUrlError extends Error {
  readonly code = 'DATABASE_URL_INVALID';

  constructor(
    /** The setting that held the URL, e.g. `STRIFE_DATABASE_URL`. */
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting} ${problem}`);
    this.name = 'DatabaseUrlError';
  }
}

/** A checked PostgreSQL URL and what it names. */
export interface DatabaseUrl {
  /** The URL as given, for `openPool`. It may hold a password: never log it. */
  readonly url: string;
  /** The URL with its password replaced by `***`, for log lines. */
  readonly redacted: string;
  /** Host name, address, or unix socket directory (from `?host=`). */
  readonly host: string;
  /** Default 5432. */
  readonly port: number;
  readonly database: string;
  /** Undefined when the URL names none (the driver then uses the OS user). */
  readonly user: string | undefined;
}

/**
 * Checks that `url`, read from `setting`, is a usable `postgres://` or `postgresql://` URL with a
 * host and a database name. Throws a `DatabaseUrlError` whose one-line message names `setting` and
 * what is wrong, and never contains the password (nor the URL, which may hide one anywhere).
 */
export function parseDatabaseUrl(url: string, setting: string): DatabaseUrl {
  const fail = (problem: string): never => {
    throw new DatabaseUrlError(setting, problem);
  };
  if (url.trim() === '') fail(`is empty: ${EXPECTED}`);
  if (/\s/.test(url)) fail(`contains whitespace: ${EXPECTED}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(`is not a valid URL: ${EXPECTED}`);
  }
  if (!SCHEMES.has(parsed.protocol)) {
    fail(`must start with postgresql:// or postgres://, not ${parsed.protocol}`);
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return fail(`has a malformed %-escape in its ${what}`);
    }
  };
  decode(parsed.password, 'password');
  const host = parsed.hostname !== '' ? parsed.hostname : (parsed.searchParams.get('host') ?? '');
  if (host === '') fail(`has no host: ${EXPECTED}`);
  const path = parsed.pathname.replace(/^\//, '');
  if (path === '') fail(`has no database name: ${EXPECTED}`);
  if (path.includes('/')) fail(`has more than one path segment: ${EXPECTED}`);
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  if (port === 0) fail('has port 0');
  const user = parsed.username === '' ? undefined : decode(parsed.username, 'user name');
  return {
    url,
    redacted: redactUrl(url),
    host,
    port,
    database: decode(path, 'database name'),
    user,
  };
}

/**
 * `url` with its password (in the user info or a `password`/`sslpassword` parameter) replaced by
 * `***`, for log lines. Anything but a `postgres://` or `postgresql://` URL is replaced whole,
 * since a password could be anywhere in it.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<not a postgres URL>';
  }
  if (!SCHEMES.has(parsed.protocol) || !parsed.href.startsWith(`${parsed.protocol}//`)) {
    return '<not a postgres URL>';
  }
  if (parsed.password !== '') parsed.password = REDACTED;
  for (const key of SECRET_PARAMS) {
    if (parsed.searchParams.has(key)) parsed.searchParams.set(key, REDACTED);
  }
  return parsed.href;
}
