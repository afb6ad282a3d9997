import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { shippedFiles } from './shipped.mjs';

test('shipped files: the pages, what they name and what that names; an earlier build’s chunks are stale', () => {
  const dist = mkdtempSync(join(tmpdir(), 'shipped-'));
  try {
    mkdirSync(join(dist, 'assets'));
    const files = {
      'index.html': '<script type="module" src="/assets/main-A1.js"></script>',
      'sw.js': 'precache([{url:"assets/main-A1.js"},{url:"assets/logo-C3.svg"}])',
      'icon.svg': '<svg/>',
      'assets/main-A1.js': 'import("./Call-B2.js")',
      'assets/main-A1.js.map': '{}',
      'assets/Call-B2.js': 'export {}',
      'assets/logo-C3.svg': '<svg/>',
      'assets/main-OLD.js': 'import("./Call-OLD.js")',
      'assets/Call-OLD.js': 'export {}',
    };
    for (const [path, text] of Object.entries(files)) writeFileSync(join(dist, path), text);
    assert.deepEqual(shippedFiles(dist), {
      files: [
        'assets/Call-B2.js',
        'assets/logo-C3.svg',
        'assets/main-A1.js',
        'icon.svg',
        'index.html',
        'sw.js',
      ],
      stale: ['assets/Call-OLD.js', 'assets/main-OLD.js'],
    });
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
