/**
 * What a page loads before its first paint, from the built files alone: the scripts, module
 * preloads and style sheets its HTML names, and the chunks those import statically.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The files a page's HTML loads at once: module scripts, module preloads and style sheets. */
export function htmlReferences(html) {
  const tags = html.match(/<(script|link)\b[^>]*>/g) ?? [];
  return tags
    .filter((tag) => /type="module"|rel="(modulepreload|stylesheet)"/.test(tag))
    .map((tag) => /(?:src|href)="\/?([^"]+)"/.exec(tag)?.[1])
    .filter((path) => path && /\.(js|css)$/.test(path));
}

/** Relative modules a (minified) chunk imports statically; `import("…")` is not followed. */
export function staticImports(code) {
  const found = code.matchAll(
    /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g,
  );
  return [...found].map((match) => match[1]);
}

/**
 * The landing page's first load: index.html's scripts, preloads and style sheets, and every
 * chunk those import statically, each gzipped at level 9. Returns the total and each file.
 */
export function firstLoadSize(dist) {
  const queue = htmlReferences(readFileSync(join(dist, 'index.html'), 'utf8'));
  const files = new Map();
  while (queue.length > 0) {
    const path = queue.shift();
    if (files.has(path)) continue;
    const bytes = readFileSync(join(dist, path));
    files.set(path, gzipSync(bytes, { level: 9 }).length);
    if (path.endsWith('.js')) {
      for (const imported of staticImports(bytes.toString('utf8'))) queue.push(join(dirname(path), imported));
    }
  }
  const gzipped = [...files.values()].reduce((sum, size) => sum + size, 0);
  return { gzipped, files: Object.fromEntries(files) };
}
