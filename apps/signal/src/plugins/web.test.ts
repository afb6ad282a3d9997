import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import webPlugin from './web.ts';

let webRoot: string;
let app: FastifyInstance;

beforeEach(async () => {
  webRoot = await mkdtemp(path.join(tmpdir(), 'web-dist-'));
  await mkdir(path.join(webRoot, 'assets'));
  await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>call</title>');
  await writeFile(path.join(webRoot, 'sw.js'), 'self.addEventListener("fetch", () => {})');
  await writeFile(path.join(webRoot, 'manifest.webmanifest'), '{"name":"Callroom"}');
  await writeFile(path.join(webRoot, 'pwa-192x192.png'), 'png');
  await writeFile(path.join(webRoot, 'assets', 'index-Ab12Cd34.js'), 'console.log(1)');
  app = Fastify();
  await app.register(webPlugin, { root: webRoot });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await rm(webRoot, { recursive: true, force: true });
});

async function get(url: string) {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, url).toBe(200);
  return { type: response.headers['content-type'], cache: response.headers['cache-control'] };
}

describe('the installable web app', () => {
  it('serves the service worker and the manifest with their types, asked for again on every visit', async () => {
    expect(await get('/sw.js')).toEqual({ type: expect.stringMatching(/javascript/), cache: 'no-cache' });
    expect(await get('/manifest.webmanifest')).toEqual({
      type: expect.stringMatching(/^application\/manifest\+json/),
      cache: 'no-cache',
    });
    expect((await get('/pwa-192x192.png')).cache).toBe('no-cache');
  });

  it('serves the page itself, at / and at room links, asked for again on every visit', async () => {
    for (const url of ['/', '/index.html', '/r/standup', '/r/standup/']) {
      expect(await get(url)).toEqual({ type: expect.stringMatching(/^text\/html/), cache: 'no-cache' });
    }
  });

  it('lets browsers keep fingerprinted assets for a year', async () => {
    expect(await get('/assets/index-Ab12Cd34.js')).toEqual({
      type: expect.stringMatching(/javascript/),
      cache: 'public, max-age=31536000, immutable',
    });
  });
});
