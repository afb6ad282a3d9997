import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Connection } from './Connection.ts';
import { RateLimiter } from './TokenBucket.ts';

let server: WebSocketServer;
let client: WebSocket;
let connection: Connection;

beforeEach(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  const limiter = new RateLimiter({ burst: 10, perSecond: 10, maxStrikes: 3 });
  connection = new Connection(await accepted, limiter, '127.0.0.1');
});

afterEach(async () => {
  client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

const streamOf = (socket: WebSocket) => (socket as unknown as { _socket: Duplex })._socket;

it('holds what one turn sends to a socket and writes it at once when the turn ends, in order', async () => {
  const received: unknown[] = [];
  client.on('message', (data) => received.push(JSON.parse(String(data))));
  const stream = streamOf(connection.socket);
  const writes: number[] = [];
  const writev = stream._writev?.bind(stream);
  stream._writev = (chunks, callback) => {
    writes.push(chunks.length);
    writev?.(chunks, callback);
  };

  for (const id of ['a', 'b', 'c']) connection.send({ type: 'peer-left', id });
  expect(stream.writableCorked).toBe(1);
  expect(writes).toEqual([]);

  await new Promise((resolve) => process.nextTick(resolve));
  expect(stream.writableCorked).toBe(0);
  // Three frames, each a header and a payload, in one call.
  expect(writes).toEqual([6]);
  await expect.poll(() => received.length).toBe(3);
  expect(received).toEqual(['a', 'b', 'c'].map((id) => ({ type: 'peer-left', id })));
});

it('writes what is held before cutting a socket off', async () => {
  const received: unknown[] = [];
  client.on('message', (data) => received.push(JSON.parse(String(data))));
  const closed = new Promise((resolve) => client.once('close', resolve));
  connection.send({ type: 'peer-left', id: 'last' });
  connection.terminate('fault');
  await closed;
  expect(received).toEqual([{ type: 'peer-left', id: 'last' }]);
});
