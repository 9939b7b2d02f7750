import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root: the nearest folder above this file holding `pnpm-workspace.yaml`.
 * Defaults in DESIGN.md resolve against it whatever the working directory, because
 * `pnpm --filter <app> start` runs in the app's own folder.
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
