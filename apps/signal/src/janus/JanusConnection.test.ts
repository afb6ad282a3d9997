import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ManualClock } from '../../test/ManualClock.ts';
import { MediaServerError } from './errors.ts';
import { JanusConnection } from './JanusConnection.ts';

/**
 * The connection's own rules against a scripted stand-in for Janus on a real loopback
 * socket: what the real Janus does is in test/janus.test.ts; here, the answers Janus gives
 * only sometimes (an ack before the event, a late frame, a malformed one) on demand.
 */
type Request = { janus: string; transaction: string; [field: string]: unknown };

let server: WebSocketServer;
let received: Request[];
let answer: (request: Request, socket: WebSocket) => void;
let clock: ManualClock;
let connection: JanusConnection;

const reply = (socket: WebSocket, frame: object) => socket.send(JSON.stringify(frame));

/** Answers create and attach as Janus does; everything else goes to `answer`. */
function standIn(request: Request, socket: WebSocket): void {
  if (request.janus === 'create')
    reply(socket, { janus: 'success', transaction: request.transaction, data: { id: 11 } });
  else if (request.janus === 'attach')
    reply(socket, { janus: 'success', session_id: 11, transaction: request.transaction, data: { id: 22 } });
  else answer(request, socket);
}

beforeEach(async () => {
  received = [];
  answer = () => undefined;
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'janus-protocol' });
  server.on('connection', (socket) =>
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as Request;
      received.push(request);
      standIn(request, socket);
    }),
  );
  await new Promise((resolve) => server.once('listening', resolve));
  clock = new ManualClock();
  connection = new JanusConnection({
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiSecret: 'the-api-secret',
    clock,
  });
  await connection.connect();
});

afterEach(async () => {
  await connection.close({ keepSessions: true });
  await new Promise((resolve) => server.close(resolve));
});

describe('JanusConnection', () => {
  it('sends the API secret with every request', async () => {
    await connection.createSession();
    expect(received.map((request) => request.apisecret)).toEqual(['the-api-secret']);
  });

  it('resolves a plugin request with its event, not with the ack before it', async () => {
    answer = (request, socket) => {
      const addressed = { session_id: 11, sender: 22, transaction: request.transaction };
      reply(socket, { janus: 'ack', session_id: 11, transaction: request.transaction });
      reply(socket, { janus: 'event', ...addressed, plugindata: { plugin: 'p', data: { done: 'yes' } } });
    };
    const handle = await (await connection.createSession()).attach('p');
    expect(await handle.message({ request: 'anything' }, 'p.anything')).toEqual({ data: { done: 'yes' } });
  });

  it('keeps Janus’s candidates that arrive in the same read as the answer', async () => {
    answer = (request, socket) => {
      const addressed = { session_id: 11, sender: 22 };
      const jsep = { type: 'answer', sdp: 'v=0\r\n' };
      reply(socket, {
        janus: 'event',
        ...addressed,
        transaction: request.transaction,
        plugindata: { plugin: 'p', data: {} },
        jsep,
      });
      reply(socket, {
        janus: 'trickle',
        ...addressed,
        candidate: { candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 },
      });
      reply(socket, { janus: 'trickle', ...addressed, candidate: { completed: true } });
    };
    const handle = await (await connection.createSession()).attach('p');
    await handle.message({ request: 'publish' }, 'p.publish');
    const candidates: unknown[] = [];
    handle.on('candidate', (candidate) => candidates.push(candidate));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(candidates).toEqual([{ candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 }, null]);
  });

  it('keeps Janus’s candidates that come before the reply carrying its offer, until someone listens', async () => {
    answer = (request, socket) => {
      const addressed = { session_id: 11, sender: 22 };
      reply(socket, {
        janus: 'trickle',
        ...addressed,
        candidate: { candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 },
      });
      reply(socket, { janus: 'trickle', ...addressed, candidate: { completed: true } });
      // Janus's full trickle: the event with the offer after a pause, in a later read.
      setTimeout(
        () =>
          reply(socket, {
            janus: 'event',
            ...addressed,
            transaction: request.transaction,
            plugindata: { plugin: 'p', data: {} },
            jsep: { type: 'offer', sdp: 'v=0\r\n' },
          }),
        30,
      );
    };
    const handle = await (await connection.createSession()).attach('p');
    await handle.message({ request: 'join' }, 'p.join');
    const candidates: unknown[] = [];
    handle.on('candidate', (candidate) => candidates.push(candidate));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(candidates).toEqual([{ candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 }, null]);
  });

  it('fails a request nobody answers once its time is up, by the injected clock', async () => {
    const pending = connection.info();
    clock.advance(9_999);
    clock.advance(1);
    await expect(pending).rejects.toMatchObject({ code: 'media-server-timeout', operation: 'info' });
  });

  it('fails the request of a malformed answer, and goes on with the next', async () => {
    answer = (request, socket) => {
      if (request.janus === 'info') reply(socket, { janus: 'server_info', transaction: request.transaction });
      else reply(socket, { janus: 'success', transaction: request.transaction, session_id: 11 });
    };
    await expect(connection.info()).rejects.toMatchObject({ code: 'media-server-error' });
    const session = await connection.createSession();
    await expect(session.attach('p')).resolves.toMatchObject({ id: 22 });
  });

  it('maps Janus’s core errors into the catalogue', async () => {
    answer = (request, socket) =>
      reply(socket, {
        janus: 'error',
        transaction: request.transaction,
        error: { code: 459, reason: 'No such handle 22 in session 11' },
      });
    const handle = await (await connection.createSession()).attach('p');
    const failure = await handle.hangup().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MediaServerError);
    expect(failure).toMatchObject({ code: 'media-session-lost', janusCode: 459, operation: 'hangup' });
    expect((failure as Error).message).not.toContain('22');
  });

  it('sends a keepalive for each session every 25 s of the injected clock', async () => {
    answer = (request, socket) =>
      reply(socket, { janus: 'ack', session_id: 11, transaction: request.transaction });
    await connection.createSession();
    clock.advance(24_999);
    expect(received.filter((request) => request.janus === 'keepalive')).toHaveLength(0);
    clock.advance(1);
    clock.advance(25_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const keepalives = received.filter((request) => request.janus === 'keepalive');
    expect(keepalives).toHaveLength(2);
    expect(keepalives[0]).toMatchObject({ session_id: 11, apisecret: 'the-api-secret' });
  });

  it('loses a session whose keepalive Janus no longer knows', async () => {
    answer = (request, socket) =>
      reply(socket, {
        janus: 'error',
        session_id: 11,
        transaction: request.transaction,
        error: { code: 458 },
      });
    const session = await connection.createSession();
    const lost = new Promise((resolve) => session.once('lost', resolve));
    clock.advance(25_000);
    expect(await lost).toBe('unknown-to-server');
    expect(connection.sessions).toEqual([]);
  });

  it('passes a handle’s PeerConnection events on, and forgets a detached handle', async () => {
    const handle = await (await connection.createSession()).attach('p');
    const seen: string[] = [];
    handle.on('webrtcup', () => seen.push('webrtcup'));
    handle.on('media', (state) => seen.push(`media ${state.type} ${state.receiving}`));
    handle.on('slowlink', (report) => seen.push(`slowlink ${report.media} ${report.uplink} ${report.lost}`));
    handle.on('hangup', (reason) => seen.push(`hangup ${reason}`));
    handle.on('detached', () => seen.push('detached'));
    const addressed = { session_id: 11, sender: 22 };
    const socket = [...server.clients][0]!;
    reply(socket, { janus: 'webrtcup', ...addressed });
    reply(socket, { janus: 'media', ...addressed, mid: '0', type: 'video', receiving: true });
    reply(socket, { janus: 'slowlink', ...addressed, mid: '0', media: 'video', uplink: false, lost: 12 });
    reply(socket, { janus: 'hangup', ...addressed, reason: 'DTLS alert' });
    reply(socket, { janus: 'detached', ...addressed });
    reply(socket, { janus: 'webrtcup', ...addressed });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([
      'webrtcup',
      'media video true',
      'slowlink video false 12',
      'hangup DTLS alert',
      'detached',
    ]);
    expect(handle.isDetached).toBe(true);
    expect(connection.sessions[0]?.handles).toEqual([]);
  });
});
