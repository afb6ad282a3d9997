/**
 * Security headers on every answer of the production server: the page, room links, assets,
 * the service worker, health, metrics, a 404 and a refused WebSocket upgrade; HSTS only when
 * the process serves TLS itself.
 */
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureCertificate } from '@app/lan';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/app.ts';
import { TestFleet } from './helpers.ts';

const POLICY =
  "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self';" +
  "img-src 'self' blob: data:;media-src 'self' blob:;" +
  "connect-src 'self' blob: ws://call.example.org wss://call.example.org;" +
  "worker-src 'self';manifest-src 'self';object-src 'none';base-uri 'none';form-action 'self';" +
  "frame-ancestors 'none'";

let webRoot: string;

beforeAll(async () => {
  webRoot = await mkdtemp(path.join(tmpdir(), 'security-web-'));
  await mkdir(path.join(webRoot, 'assets'));
  await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>call</title>');
  await writeFile(path.join(webRoot, 'sw.js'), 'self.addEventListener("fetch", () => {})');
  await writeFile(path.join(webRoot, 'assets', 'main-Ab12Cd34.js'), 'console.log(1)');
});
afterAll(async () => {
  await rm(webRoot, { recursive: true, force: true });
});

type Headers = Record<string, string | string[] | number | undefined>;

function expectSecurityHeaders(headers: Headers, policy = POLICY): void {
  expect(headers['content-security-policy']).toBe(policy);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
}

const ROUTES = [
  ['/', 200],
  ['/r/standup', 200],
  ['/r/standup/', 200],
  ['/assets/main-Ab12Cd34.js', 200],
  ['/sw.js', 200],
  ['/healthz', 200],
  ['/metrics', 200],
  ['/no-such-file', 404],
] as const;

describe('over plain HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await build({ webRoot });
  });
  afterAll(async () => {
    await app.close();
  });

  it.each(ROUTES)('%s answers %i with the security headers and no HSTS', async (url, status) => {
    const response = await app.inject({ url, headers: { host: 'call.example.org' } });
    expect(response.statusCode).toBe(status);
    expectSecurityHeaders(response.headers);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('lets the page open its socket to the host it was loaded from, and to no other', async () => {
    const local = await app.inject({ url: '/', headers: { host: '127.0.0.1:3000' } });
    expect(local.headers['content-security-policy']).toContain(
      "connect-src 'self' blob: ws://127.0.0.1:3000 wss://127.0.0.1:3000;",
    );
    // A Host header that is not a host adds no source (and cannot add a directive).
    const forged = await app.inject({
      url: '/',
      headers: { host: "evil.example; script-src 'unsafe-inline'" },
    });
    expect(forged.headers['content-security-policy']).toContain("connect-src 'self' blob:;");
    expect(forged.headers['content-security-policy']).not.toContain('unsafe-inline');
  });

  it('ignores X-Forwarded-Host from a proxy that is not trusted', async () => {
    const response = await app.inject({
      url: '/',
      headers: { host: 'call.example.org', 'x-forwarded-host': 'elsewhere.example' },
    });
    expectSecurityHeaders(response.headers);
  });
});

describe('behind a trusted proxy', () => {
  it('takes the page host from X-Forwarded-Host', async () => {
    const app = await build({ webRoot, trustProxy: true });
    const response = await app.inject({
      url: '/r/standup',
      headers: { host: '127.0.0.1:3000', 'x-forwarded-host': 'call.example.org' },
    });
    await app.close();
    expectSecurityHeaders(response.headers);
    // The proxy terminates TLS and owns HSTS.
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('over TLS', () => {
  let certDir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    certDir = await mkdtemp(path.join(tmpdir(), 'security-tls-'));
    app = await build({ webRoot, https: await ensureCertificate(certDir, { interfaces: {} }) });
  }, 30_000);
  afterAll(async () => {
    await app.close();
    await rm(certDir, { recursive: true, force: true });
  });

  it.each(ROUTES)('%s adds HSTS and upgrades insecure requests', async (url, status) => {
    const response = await app.inject({ url, headers: { host: 'call.example.org' } });
    expect(response.statusCode).toBe(status);
    expectSecurityHeaders(response.headers, `${POLICY};upgrade-insecure-requests`);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
  });
});

describe('a refused WebSocket upgrade', () => {
  const fleet = new TestFleet();
  afterEach(() => fleet.closeAll());

  it('answers 403 with the security headers', async () => {
    const server = await fleet.serve({ webRoot });
    const { port } = new URL(server.url);
    const answer = await new Promise<{ status: number; headers: Headers }>((resolve, reject) => {
      const upgrade = request({
        host: '127.0.0.1',
        port,
        path: '/ws',
        headers: {
          host: 'call.example.org',
          origin: 'https://evil.example',
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      });
      upgrade.once('response', (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, headers: response.headers });
      });
      upgrade.once('upgrade', () => reject(new Error('the upgrade was accepted')));
      upgrade.once('error', reject);
      upgrade.end();
    });
    expect(answer.status).toBe(403);
    expectSecurityHeaders(answer.headers);
  });
});
