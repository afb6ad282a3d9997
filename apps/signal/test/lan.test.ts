/**
 * HTTPS / LAN mode: the same app over TLS (in-process), and the built server started with
 * LAN=1 and TLS_CERT/TLS_KEY (as `pnpm start` runs it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCertificate, type TlsPair } from '@app/lan';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/app.ts';
import { TestClient } from './helpers.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));
// A bundle of its own (same build command, another file): other test files rebuild dist/server.js
// at the same time, and a process must never start from a half-written bundle.
const builtServer = fileURLToPath(new URL('../dist/server-lan-test.js', import.meta.url));

let certDir: string;
let tls: TlsPair;

beforeAll(async () => {
  certDir = await mkdtemp(path.join(tmpdir(), 'signal-tls-'));
  tls = await ensureCertificate(certDir, { interfaces: {} });
  await writeFile(path.join(certDir, 'cert.pem'), tls.cert);
  await writeFile(path.join(certDir, 'key.pem'), tls.key);
}, 30_000);
afterAll(async () => {
  await rm(certDir, { recursive: true, force: true });
});

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the app over HTTPS', () => {
  let app: FastifyInstance;
  let origin: string;

  beforeAll(async () => {
    app = await build({
      webRoot: '/nonexistent-web-root',
      https: tls,
      allowedOrigins: ['https://call.example.org'],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    origin = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('answers /healthz with the certificate it was given', async () => {
    expect(await httpsGet(`${origin}/healthz`, tls.cert)).toEqual({ status: 200, body: '{"status":"ok"}' });
  });

  it('accepts WSS from its own https origin and from ALLOWED_ORIGINS, refuses others', async () => {
    const wsUrl = `${origin.replace('https', 'wss')}/ws`;
    const same = await TestClient.connect(wsUrl, { ca: tls.cert, origin });
    same.send({ type: 'join', room: 'lan-room', name: 'Phone' });
    expect((await same.next('joined')).room).toBe('lan-room');
    same.socket.close();

    const listed = await TestClient.connect(wsUrl, { ca: tls.cert, origin: 'https://call.example.org' });
    listed.socket.close();

    const refused = new TestClient(wsUrl, { ca: tls.cert, origin: 'https://elsewhere.example' });
    const [, response] = (await once(refused.socket, 'unexpected-response')) as [
      unknown,
      { statusCode: number },
    ];
    expect(response.statusCode).toBe(403);
    // The http origin of the same host is another origin: refused too.
    const plain = new TestClient(wsUrl, { ca: tls.cert, origin: 'http://elsewhere.example' });
    const [, plainResponse] = (await once(plain.socket, 'unexpected-response')) as [
      unknown,
      { statusCode: number },
    ];
    expect(plainResponse.statusCode).toBe(403);
  });
});

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  const proxied = { origin: 'https://call.example.org', headers: { 'X-Forwarded-Host': 'call.example.org' } };

  async function statusOfUpgrade(trustProxy: boolean): Promise<number> {
    const app = await build({ webRoot: '/nonexistent-web-root', trustProxy, allowedOrigins: [] });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const client = new TestClient(`ws://127.0.0.1:${port}/ws`, proxied);
      const status = await new Promise<number>((resolve) => {
        client.socket.once('open', () => resolve(101));
        client.socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      });
      // A refused upgrade leaves the socket CONNECTING: terminating it then reports an
      // abort, which is expected here.
      client.socket.once('error', () => undefined);
      client.socket.terminate();
      return status;
    } finally {
      await app.close();
    }
  }

  it('takes the public host from a trusted proxy for the same-origin check', async () => {
    expect(await statusOfUpgrade(true)).toBe(101);
  });

  it('ignores X-Forwarded-Host unless the proxy is trusted', async () => {
    expect(await statusOfUpgrade(false)).toBe(403);
  });
});

describe('the built server in LAN mode', () => {
  const children: ChildProcess[] = [];

  beforeAll(() => {
    execFileSync('pnpm', ['run', 'build', `--outfile=${builtServer}`], { cwd: appDir, stdio: 'pipe' });
  }, 60_000);
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await Promise.all([builtServer, `${builtServer}.map`].map((file) => rm(file, { force: true })));
  });

  function start(env: Record<string, string>) {
    const child = spawn(process.execPath, [builtServer], {
      cwd: appDir,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return { child, stdout: () => stdout, stderr: () => stderr };
  }

  it('LAN=1 with TLS_CERT/TLS_KEY listens over HTTPS and prints where to open it', async () => {
    const server = start({
      LAN: '1',
      HOST: '127.0.0.1',
      WEB_ROOT: certDir, // any existing folder: the banner is printed when a web app is served
      TLS_CERT: path.join(certDir, 'cert.pem'),
      TLS_KEY: path.join(certDir, 'key.pem'),
    });
    const deadline = Date.now() + 10_000;
    let url: string | undefined;
    while (!url && Date.now() < deadline && server.child.exitCode === null) {
      url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(server.stdout())?.[1];
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(url, server.stdout() + server.stderr()).toBeDefined();
    expect(await httpsGet(`${url}/healthz`, tls.cert)).toMatchObject({ status: 200 });
    // Bound to loopback, so the one address to open is that one; the certificate is not self-signed
    // from this server's point of view (it came from files), so no warning to accept.
    expect(server.stdout()).toContain(`Open the call app at:\n  ${url}/`);
    expect(server.stdout()).not.toMatch(/self-signed/);
  });

  it.each([
    [
      { TLS_CERT: '/tmp/cert.pem' },
      /^Invalid configuration: TLS_KEY: TLS_CERT and TLS_KEY must be set together$/,
    ],
    [{ LAN: 'yes' }, /^Invalid configuration: LAN \(got "yes"\)/],
    [{ TRUST_PROXY: 'proxy.internal' }, /^Invalid configuration: TRUST_PROXY \(got "proxy.internal"\)/],
  ])('refuses %o with one clear line and exit code 1', async (env, message) => {
    const server = start(env);
    const [code] = (await once(server.child, 'exit')) as [number];
    expect(code).toBe(1);
    const lines = server.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('stops with a readable line when the certificate files cannot be read', async () => {
    const server = start({ TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: '/nonexistent/key.pem' });
    const [code] = (await once(server.child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(server.stderr()).toContain('/nonexistent/cert.pem');
  });
});
