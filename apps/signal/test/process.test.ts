import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appDir, buildServerBundle } from './built.ts';
import { TestClient } from './helpers.ts';

let builtServer: string;
const children: ChildProcess[] = [];

function startBuilt(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [builtServer], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

async function listeningUrl(child: ChildProcess): Promise<string> {
  const output = collect(child.stdout);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
    if (match?.[1] !== undefined) return match[1];
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`server did not start: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(() => {
  // The production bundle, built by the package's own build script.
  builtServer = buildServerBundle('process');
}, 60_000);

afterAll(() => {
  rmSync(path.dirname(builtServer), { recursive: true, force: true });
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('the built server process', () => {
  it.each([
    ['ROOM_CAPACITY', 'zero'],
    ['PORT', '99999'],
    ['HEARTBEAT_MS', '-5'],
    ['REDIS_URL', 'not a url'],
  ])('refuses a bad %s with one clear line and exit code 1', async (name, value) => {
    const child = startBuilt({ [name]: value });
    const stderr = collect(child.stderr);
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    const lines = stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name} \\(got "${value}"\\): `));
  });

  it('refuses TURN_URLS without TURN_SECRET, naming the variable', async () => {
    const child = startBuilt({ TURN_URLS: 'turn:127.0.0.1:3478' });
    const stderr = collect(child.stderr);
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(stderr()).toContain('TURN_SECRET');
  });

  it('on SIGTERM closes every socket with 1001, tells no one peer-left, and exits within a second', async () => {
    const child = startBuilt({ PORT: '0' });
    const url = await listeningUrl(child);
    const wsUrl = `${url.replace('http', 'ws')}/ws`;
    const a = await TestClient.connect(wsUrl);
    const b = await TestClient.connect(wsUrl);
    await a.join('bye', 'Ann');
    await b.join('bye', 'Bob');
    await a.next('peer-joined');

    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const [closedA, closedB] = await Promise.all([a.closed, b.closed]);
    const [code] = await exited;
    expect(Date.now() - signalledAt).toBeLessThan(1000);
    expect(closedA.code).toBe(1001);
    expect(closedB.code).toBe(1001);
    expect(code).toBe(0);
    expect([...a.pending, ...b.pending].filter((message) => message.type === 'peer-left')).toEqual([]);
  });

  it('exits within a second on SIGTERM even when a client never answers the close', async () => {
    const child = startBuilt({ PORT: '0' });
    const url = await listeningUrl(child);
    const silent = await TestClient.connect(`${url.replace('http', 'ws')}/ws`);
    await silent.join('stuck', 'Ann');
    // Stop reading: the client can neither see the close frame nor answer it.
    const rawSocket = (silent.socket as unknown as { _socket: { pause(): void } })._socket;
    rawSocket.pause();
    const exited = once(child, 'exit');
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await exited;
    expect(Date.now() - signalledAt).toBeLessThan(1000);
    silent.socket.terminate();
  });

  it('serves /healthz and /metrics', async () => {
    const child = startBuilt({ PORT: '0' });
    const url = await listeningUrl(child);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('signal_connections 0');
  });
});
