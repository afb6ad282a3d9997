import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { firstLoadSize, htmlReferences, staticImports } from './first-load.mjs';

test('the HTML names module scripts, module preloads and style sheets, not icons or manifests', () => {
  const html = `<link rel="icon" href="/favicon.ico">
    <script type="module" crossorigin src="/assets/main-1.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/shared-2.js">
    <link rel="stylesheet" crossorigin href="/assets/main-3.css">
    <link rel="manifest" href="/manifest.webmanifest">`;
  assert.deepEqual(htmlReferences(html), ['assets/main-1.js', 'assets/shared-2.js', 'assets/main-3.css']);
});

test('static imports and re-exports of a minified chunk are followed, import() is not', () => {
  const code =
    'import{a as e}from"./shared-2.js";import"./side-4.js";export{b}from"./more-5.js";' +
    'const r=()=>import("./Room-6.js");';
  assert.deepEqual(staticImports(code), ['./shared-2.js', './side-4.js', './more-5.js']);
});

test('the first load counts each file once, gzipped, and leaves lazily loaded chunks out', () => {
  const dist = mkdtempSync(join(tmpdir(), 'first-load-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<script type="module" src="/assets/main.js"></script>');
  writeFileSync(join(dist, 'assets/main.js'), 'import"./shared.js";const r=()=>import("./Room.js");');
  writeFileSync(join(dist, 'assets/shared.js'), 'import"./main.js";');
  writeFileSync(join(dist, 'assets/Room.js'), 'x'.repeat(10_000));
  const { files, gzipped } = firstLoadSize(dist);
  assert.deepEqual(Object.keys(files), ['assets/main.js', 'assets/shared.js']);
  assert.equal(gzipped, files['assets/main.js'] + files['assets/shared.js']);
});
