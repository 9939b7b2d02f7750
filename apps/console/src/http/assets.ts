import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/** One file the console serves, read once at start. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Where the app's files are: `public/` (HTML, CSS) and `dist/browser/web/` (the compiled script). */
export interface AssetDirs {
  /** Default: `public/` beside `dist/`. */
  readonly publicDir?: string;
  /** Default: `dist/browser/web/`, written by `tsc -p src/web/tsconfig.json`. */
  readonly scriptDir?: string;
}

/**
 * Every file the page needs, by URL path: `/` and the other files of `public/`, the compiled
 * browser modules under `/app/`, and uPlot's browser build and stylesheet (from its npm package)
 * under `/vendor/`. Read into memory once: the console serves a handful of small files.
 * @throws Error naming the folder when the page has not been built.
 */
export function loadAssets(dirs: AssetDirs = {}): Map<string, Asset> {
  const root = join(__dirname, '..', '..');
  const publicDir = dirs.publicDir ?? join(root, 'public');
  const scriptDir = dirs.scriptDir ?? join(root, 'dist', 'browser', 'web');
  const assets = new Map<string, Asset>();
  const add = (path: string, file: string): void => {
    assets.set(path, {
      body: readFileSync(file),
      type: TYPES[extname(file)] ?? 'application/octet-stream',
    });
  };
  for (const name of filesIn(publicDir))
    add(name === 'index.html' ? '/' : `/${name}`, join(publicDir, name));
  for (const name of filesIn(scriptDir)) add(`/app/${name}`, join(scriptDir, name));
  if (!assets.has('/app/main.js')) {
    throw new Error(`the console's page script is not built (${scriptDir}); run \`pnpm build\``);
  }
  const uplot = join(dirname(require.resolve('uplot/package.json')), 'dist');
  add('/vendor/uPlot.iife.min.js', join(uplot, 'uPlot.iife.min.js'));
  add('/vendor/uPlot.min.css', join(uplot, 'uPlot.min.css'));
  return assets;
}

function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && TYPES[extname(entry.name)] !== undefined)
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
