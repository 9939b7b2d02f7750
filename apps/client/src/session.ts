import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The signed-in user, as `strife login` left it. */
export interface Session {
  /** Opaque bearer token; never printed or logged. */
  readonly token: string;
  readonly username: string;
  /** `BANK:ACCOUNT_NO`. */
  readonly account: string;
  /** ISO-8601; the gateway may end the session earlier (idle time, logout). */
  readonly expiresAt: string;
}

const FILE = 'session.json';

/** The session in `home`, or undefined when there is none or the file is not a session. */
export function readSession(home: string): Session | undefined {
  let text: string;
  try {
    text = readFileSync(join(home, FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const { token, username, account, expiresAt } = value;
    if (
      typeof token === 'string' &&
      typeof username === 'string' &&
      typeof account === 'string' &&
      typeof expiresAt === 'string'
    ) {
      return { token, username, account, expiresAt };
    }
  } catch {
    // A torn or hand-edited file reads as "not logged in"; `login` rewrites it.
  }
  return undefined;
}

/** Saves the session readable by its owner only (0600), replacing any earlier one atomically. */
export function writeSession(home: string, session: Session): void {
  const file = join(home, FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(session, null, 2) + '\n', { mode: 0o600 });
  renameSync(temp, file);
}

/** Removes the local session, if any. */
export function removeSession(home: string): void {
  rmSync(join(home, FILE), { force: true });
}
