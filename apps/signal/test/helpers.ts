import type { AddressInfo } from 'node:net';
import { parseServerMessage, type ServerMessage } from '@app/protocol';
import type { FastifyInstance } from 'fastify';
import WebSocket, { type ClientOptions } from 'ws';
import { build, type AppOptions } from '../src/app.ts';

export interface TestServer {
  app: FastifyInstance;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** Builds the real app and listens on a free loopback port. */
export async function startServer(options: Partial<AppOptions> = {}): Promise<TestServer> {
  const app = await build({ webRoot: '/nonexistent-web-root', ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    close: () => app.close(),
  };
}

type Wanted<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/**
 * A real `ws` client that records every server message, validated with the shared schema,
 * so tests await exactly what a browser would receive.
 */
export class TestClient {
  readonly socket: WebSocket;
  readonly received: ServerMessage[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #cursor = 0;
  #waiters: (() => void)[] = [];

  constructor(url: string, options: ClientOptions = {}) {
    this.socket = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    // Tests that only watch the upgrade answer never await `opened`; a refused upgrade must not
    // surface as an unhandled rejection there. Those that await it still see the error.
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.socket.on('error', () => {});
    this.socket.on('message', (raw) => {
      const parsed = parseServerMessage(raw.toString());
      if (!parsed.ok) throw new Error(`server sent an invalid message: ${parsed.reason}: ${raw.toString()}`);
      this.received.push(parsed.value);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const client = new TestClient(url, options);
    await client.opened;
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message not yet consumed; it must be of `type`. */
  async next<T extends ServerMessage['type']>(type: T, timeoutMs = 3000): Promise<Wanted<T>> {
    const message = await this.#nextAny(timeoutMs);
    if (message.type !== type) {
      throw new Error(`expected ${type}, got ${JSON.stringify(message)}`);
    }
    return message as Wanted<T>;
  }

  /** Skips messages until one of `type` arrives. */
  async waitFor<T extends ServerMessage['type']>(type: T, timeoutMs = 3000): Promise<Wanted<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.#nextAny(Math.max(1, deadline - Date.now()));
      if (message.type === type) return message as Wanted<T>;
    }
  }

  async join(room: string, name: string, extra: Record<string, unknown> = {}): Promise<Wanted<'joined'>> {
    this.send({ type: 'join', room, name, ...extra });
    return this.next('joined');
  }

  async error(code: string): Promise<void> {
    const message = await this.next('error');
    if (message.code !== code) throw new Error(`expected error ${code}, got ${message.code}`);
  }

  /** Asserts nothing more arrives within `ms`. */
  async expectSilence(ms = 150): Promise<void> {
    await delay(ms);
    if (this.#cursor < this.received.length) {
      throw new Error(`unexpected message: ${JSON.stringify(this.received[this.#cursor])}`);
    }
  }

  get pending(): ServerMessage[] {
    return this.received.slice(this.#cursor);
  }

  close(code?: number): void {
    this.socket.close(code);
  }

  async #nextAny(timeoutMs: number): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.#cursor >= this.received.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a message after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const message = this.received[this.#cursor];
    this.#cursor += 1;
    return message as ServerMessage;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function metricValue(app: FastifyInstance, name: string, labels = ''): Promise<number> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  const line = response.body
    .split('\n')
    .find((row) => row.startsWith(`${name}${labels} `) || (labels === '' && row.startsWith(`${name} `)));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

/** Waits until `check` passes, polling; for effects with no message to await. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(10);
  }
}

/**
 * Every server and client a test file opens, closed together after each test so that a
 * failing test never leaves a socket or a port open for the next one.
 */
export class TestFleet {
  readonly servers: TestServer[] = [];
  readonly clients: TestClient[] = [];

  constructor(private readonly defaults: Partial<AppOptions> = {}) {}

  async serve(options: Partial<AppOptions> = {}): Promise<TestServer> {
    const server = await startServer({ ...this.defaults, ...options });
    this.servers.push(server);
    return server;
  }

  async connect(target: TestServer | string, options: ClientOptions = {}): Promise<TestClient> {
    const client = await TestClient.connect(typeof target === 'string' ? target : target.wsUrl, options);
    this.clients.push(client);
    return client;
  }

  /** Clients first, so servers close without waiting on sockets the test left open. */
  async closeAll(): Promise<void> {
    for (const client of this.clients.splice(0)) client.socket.terminate();
    for (const server of this.servers.splice(0)) await server.close();
  }
}

/**
 * What each of `joiners` got back for the join it sent: 'joined' or the error code.
 * Waits until all of them have an answer.
 */
export async function joinOutcomes(joiners: TestClient[], timeoutMs = 5000): Promise<(string | undefined)[]> {
  const answerOf = (client: TestClient) =>
    client.received.find((message) => message.type === 'joined' || message.type === 'error');
  await eventually(() => joiners.every((client) => answerOf(client) !== undefined), timeoutMs);
  return joiners.map((client) => {
    const answer = answerOf(client);
    return answer?.type === 'error' ? answer.code : answer?.type;
  });
}

export const offer = { description: { type: 'offer', sdp: 'v=0\r\n' } } as const;
