/**
 * The files a web build ships. Vite writes a fresh `dist/`, but a build restored from turbo's
 * cache is written over whatever `dist/` held, so hashed chunks of earlier builds can remain
 * beside the current ones. Shipped: every file outside `assets/` (the pages, the service
 * worker, icons, the web app manifest), and every file in `assets/` that a shipped file names
 * (the service worker names every asset it precaches; the pages and chunks name theirs).
 * Source maps are left out: nobody downloads them to use the app.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const TEXT = /\.(html|js|css|json|webmanifest)$/;

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Paths relative to `dist`, sorted; `stale`: files under `assets/` that nothing shipped names. */
export function shippedFiles(dist) {
  const all = filesUnder(dist)
    .map((path) => relative(dist, path))
    .filter((path) => !path.endsWith('.map'));
  const assets = new Map(
    all.filter((path) => path.startsWith('assets/')).map((path) => [path.slice('assets/'.length), path]),
  );
  const shipped = new Set(all.filter((path) => !path.startsWith('assets/')));
  const queue = [...shipped];
  while (queue.length > 0) {
    const path = queue.shift();
    if (!TEXT.test(path)) continue;
    const text = readFileSync(join(dist, path), 'utf8');
    for (const [name, asset] of assets) {
      if (!shipped.has(asset) && text.includes(name)) {
        shipped.add(asset);
        queue.push(asset);
      }
    }
  }
  const stale = [...assets.values()].filter((path) => !shipped.has(path)).sort();
  return { files: [...shipped].sort(), stale };
}
