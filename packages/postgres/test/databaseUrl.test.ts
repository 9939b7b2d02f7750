import { DatabaseUrlError, parseDatabaseUrl, redactUrl } from '../src';

const SECRET = 's3cr%2Ft-pw';

function refusal(url: string): DatabaseUrlError {
  try {
    parseDatabaseUrl(url, 'STRIFE_DATABASE_URL');
  } catch (error) {
    if (error instanceof DatabaseUrlError) return error;
    throw error;
  }
  throw new Error(`accepted ${url}`);
}

describe('parseDatabaseUrl', () => {
  it('reads host, port, database and user, defaulting the port to 5432', () => {
    expect(parseDatabaseUrl(`postgresql://gw:${SECRET}@db.internal/strife`, 'X')).toEqual({
      url: `postgresql://gw:${SECRET}@db.internal/strife`,
      redacted: 'postgresql://gw:***@db.internal/strife',
      host: 'db.internal',
      port: 5432,
      database: 'strife',
      user: 'gw',
    });
    expect(parseDatabaseUrl('postgres://127.0.0.1:6543/a%20b', 'X')).toMatchObject({
      port: 6543,
      database: 'a b',
      user: undefined,
    });
  });

  it('accepts a unix socket directory given as ?host=', () => {
    const parsed = parseDatabaseUrl('postgresql:///strife?host=/var/run/postgresql', 'X');
    expect(parsed.host).toBe('/var/run/postgresql');
    expect(parsed.database).toBe('strife');
  });

  it.each([
    ['', /STRIFE_DATABASE_URL is empty/],
    [`  `, /STRIFE_DATABASE_URL is empty/],
    [`postgresql://gw:${SECRET}@db/strife extra`, /contains whitespace/],
    [`gw:${SECRET}@db/strife`, /must start with postgresql:\/\/ or postgres:\/\/, not gw:/],
    [`mysql://gw:${SECRET}@db/strife`, /not mysql:/],
    [`//gw:${SECRET}@db/strife`, /is not a valid URL/],
    [`postgresql://gw:${SECRET}@db:99999/strife`, /is not a valid URL/],
    [`postgresql://gw:${SECRET}@db:0/strife`, /has port 0/],
    ['postgresql:///strife', /has no host/],
    [`postgresql://gw:${SECRET}@db`, /has no database name/],
    [`postgresql://gw:${SECRET}@db/`, /has no database name/],
    [`postgresql://gw:${SECRET}@db/a/b`, /more than one path segment/],
    ['postgresql://gw:50%zz@db/strife', /malformed %-escape in its password/],
  ])('refuses %j in one line naming the setting, without the password', (url, problem) => {
    const error = refusal(url);
    expect(error.message).toMatch(problem);
    expect(error.message).toMatch(/^STRIFE_DATABASE_URL /);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('s3cr');
    expect(error.message).not.toContain('50%zz');
    expect(error.setting).toBe('STRIFE_DATABASE_URL');
    expect(error.code).toBe('DATABASE_URL_INVALID');
  });
});

describe('redactUrl', () => {
  it('replaces the password in the user info and in password parameters', () => {
    expect(redactUrl(`postgresql://gw:${SECRET}@db:5433/strife?sslmode=require`)).toBe(
      'postgresql://gw:***@db:5433/strife?sslmode=require',
    );
    expect(redactUrl(`postgres://gw@db/strife?password=${SECRET}&sslpassword=k3y`)).toBe(
      'postgres://gw@db/strife?password=***&sslpassword=***',
    );
  });

  it('leaves a URL without a password as it is', () => {
    expect(redactUrl('postgresql://gw@db/strife')).toBe('postgresql://gw@db/strife');
  });

  it.each([`gw:${SECRET}@db/strife`, `gw:${SECRET}@db strife`, `https://gw:${SECRET}@db/strife`])(
    'replaces %j whole: not a postgres URL, the password could be anywhere in it',
    (url) => {
      expect(redactUrl(url)).toBe('<not a postgres URL>');
    },
  );
});
