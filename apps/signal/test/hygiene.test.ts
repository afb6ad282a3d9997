import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { delay, eventually, metricValue, startServer, TestClient, type TestServer } from './helpers.ts';

let server: TestServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  await server?.close();
  server = undefined;
});

describe('logs', () => {
  it('never contain SDP, candidates, passwords, TURN secrets or credentials, at any level', async () => {
    let logs = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    server = await startServer({
      logger: { level: 'trace', stream },
      turnUrls: ['turn:127.0.0.1:3478'],
      turnSecret: 'TURN-SECRET-VALUE',
      stunUrls: ['stun:127.0.0.1:3478'],
      resumeSecret: 'RESUME-SECRET-VALUE-XYZ',
    });
    const a = await TestClient.connect(server.wsUrl);
    const b = await TestClient.connect(server.wsUrl);
    clients.push(a, b);
    const joinedA = await a.join('secret-room', 'Ann', { password: 'PASSWORD-VALUE' });
    const joinedB = await b.join('secret-room', 'Bob', { password: 'PASSWORD-VALUE' });
    b.send({ type: 'join', room: 'secret-room', name: 'Bob', password: 'OTHER-PASSWORD-VALUE' });
    a.send({
      type: 'signal',
      to: joinedB.self,
      data: { description: { type: 'offer', sdp: 'SDP-BODY-VALUE' } },
    });
    a.send({ type: 'signal', to: joinedB.self, data: { candidate: { candidate: 'CANDIDATE-VALUE' } } });
    a.send('not json CHAT-TEXT-VALUE');
    a.send({
      type: 'signal',
      to: joinedB.self,
      data: { description: { type: 'bogus', sdp: 'BAD-SDP-VALUE' } },
    });
    await b.waitFor('signal');
    await delay(100);
    b.close();
    await eventually(() => logs.includes('peer-left'));

    const turn = joinedA.iceServers.find((server) => server.username !== undefined);
    const forbidden = [
      'PASSWORD-VALUE',
      'SDP-BODY-VALUE',
      'BAD-SDP-VALUE',
      'CANDIDATE-VALUE',
      'CHAT-TEXT-VALUE',
      'TURN-SECRET-VALUE',
      'RESUME-SECRET-VALUE',
      turn?.credential ?? 'no credential',
      joinedA.resumeToken ?? 'no token',
    ];
    expect(logs).toContain('peer-joined');
    for (const secret of forbidden) expect(logs).not.toContain(secret);
  });
});

describe('the web app', () => {
  let webRoot: string;

  afterEach(async () => {
    await rm(webRoot, { recursive: true, force: true });
  });

  it('is served at / and for every /r/<room>, with its assets', async () => {
    webRoot = await mkdtemp(path.join(tmpdir(), 'web-dist-'));
    await mkdir(path.join(webRoot, 'assets'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>call</title>');
    await writeFile(path.join(webRoot, 'assets', 'app.js'), 'console.log(1)');
    server = await startServer({ webRoot });
    for (const url of ['/', '/r/my-room', '/r/Another_Room-2']) {
      const response = await server.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('<title>call</title>');
    }
    const asset = await server.app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await server.app.inject({ method: 'GET', url: '/nope.js' })).statusCode).toBe(404);
  });

  it('is skipped when there is no build, and the API still works', async () => {
    webRoot = path.join(tmpdir(), 'no-such-web-dist');
    server = await startServer({ webRoot });
    expect((await server.app.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('a client that stops reading', () => {
  it('is cut off once too much is buffered for it, and its seat is held for resume', async () => {
    server = await startServer({ resumeGraceMs: 5000 });
    const stalled = await TestClient.connect(server.wsUrl);
    const sender = await TestClient.connect(server.wsUrl);
    clients.push(stalled, sender);
    const joinedStalled = await stalled.join('stall', 'Ann');
    await sender.join('stall', 'Bob');
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const sdp = 'x'.repeat(60_000);
    for (let i = 0; i < 300; i++) {
      sender.send({ type: 'signal', to: joinedStalled.self, data: { description: { type: 'offer', sdp } } });
    }
    await eventually(async () => (await metricValue(server!.app, 'signal_seats_held')) === 1, 10_000);
    expect(await metricValue(server.app, 'signal_connections')).toBe(1);
    expect(sender.pending.filter((message) => message.type === 'peer-left')).toEqual([]);
  }, 20_000);
});
