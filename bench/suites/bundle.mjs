/**
 * Production bundle size, gzipped: everything apps/web/dist ships (source maps aside, and
 * chunks an earlier build left there: lib/shipped.mjs) against an empty Svelte 5 + Vite app
 * built the same way in bench/.cache.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CACHE_DIR, REPO_DIR } from '../lib/server.mjs';
import { shippedFiles } from '../lib/shipped.mjs';

export const WEB_DIST = join(REPO_DIR, 'apps/web/dist');

/** Sum of each shipped file gzipped at level 9 (what a static server with gzip_static serves). */
export function gzippedSize(dir) {
  let gzipped = 0;
  let raw = 0;
  const { files, stale } = shippedFiles(dir);
  for (const path of files) {
    const bytes = readFileSync(join(dir, path));
    raw += bytes.length;
    gzipped += gzipSync(bytes, { level: 9 }).length;
  }
  return { gzipped, raw, files: files.length, stale: stale.length };
}

/** Builds a Svelte 5 app that mounts one component with one heading, and measures it. */
export async function emptySvelteApp() {
  const root = join(CACHE_DIR, 'empty-svelte');
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Empty</title></head>\n' +
      '<body><div id="app"></div><script type="module" src="/src/main.js"></script></body>\n</html>\n',
  );
  writeFileSync(
    join(root, 'src/main.js'),
    "import { mount } from 'svelte';\nimport App from './App.svelte';\n\nmount(App, { target: document.getElementById('app') });\n",
  );
  writeFileSync(
    join(root, 'src/App.svelte'),
    "<script>\n  let name = $state('world');\n</script>\n\n<h1>Hello {name}</h1>\n",
  );
  const { build } = await import('vite');
  const { svelte } = await import('@sveltejs/vite-plugin-svelte');
  const outDir = join(root, 'dist');
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: [svelte()],
    build: { outDir, emptyOutDir: true },
  });
  return { ...gzippedSize(outDir), dist: outDir };
}
