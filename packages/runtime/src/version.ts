import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './config/repoRoot';

/** This build's version (the repository's package.json), for status pages. */
export const STRIFE_VERSION: string = ((): string => {
  try {
    const raw = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof raw.version === 'string' ? raw.version : 'unknown';
  } catch {
    return 'unknown';
  }
})();
