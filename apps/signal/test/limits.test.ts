/**
 * Per-address limits over real sockets: sockets open at once and new sockets per minute per
 * client address (a refused upgrade is HTTP 429), and the wrong-password backoff per room and
 * address. Clients bind distinct loopback addresses (127.0.0.x) so that "another address" is
 * real, or come through a trusted proxy that names them in X-Forwarded-For.
 */
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { LIMITS } from '@app/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOptions } from 'ws';
import { metricValue, offer, TestClient, TestFleet, type TestServer } from './helpers.ts';

const fleet = new TestFleet();
afterEach(() => fleet.closeAll());

/** Opens a socket, or reports the HTTP answer that refused the upgrade. */
async function upgrade(
  server: TestServer,
  options: ClientOptions = {},
): Promise<{ client: TestClient; status: 101 } | { status: number; response: IncomingMessage }> {
  const client = new TestClient(server.wsUrl, options);
  const outcome = await Promise.race([
    once(client.socket, 'open').then(() => ({ client, status: 101 as const })),
    once(client.socket, 'unexpected-response').then(([, response]: IncomingMessage[]) => ({
      status: response!.statusCode ?? 0,
      response: response!,
    })),
  ]);
  if (outcome.status === 101) fleet.clients.push(client);
  else client.socket.terminate();
  return outcome;
}

const from = (address: string): ClientOptions => ({ localAddress: address });

describe('sockets per address', () => {
  it('refuses the socket past the limit with 429, counts it, and lets another address in', async () => {
    const server = await fleet.serve({ addressMaxSockets: 3, addressNewSocketsPerMinute: 0 });
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await fleet.connect(server, from('127.0.0.2')));
    const refused = await upgrade(server, from('127.0.0.2'));
    expect(refused.status).toBe(429);
    if (!('response' in refused)) throw new Error('not refused');
    // Security headers on the refusal too; no Retry-After, since only a close frees a place.
    expect(refused.response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    expect(refused.response.headers['retry-after']).toBeUndefined();
    expect((await upgrade(server, from('127.0.0.3'))).status).toBe(101);
    expect(
      await metricValue(server.app, 'signal_address_refusals_total', '{limit="sockets-per-address"}'),
    ).toBe(1);

    // One closes: its place is free again once the server has seen the TCP connection end.
    open[0]!.socket.close();
    await open[0]!.closed;
    let status = 0;
    for (let i = 0; i < 50 && status !== 101; i++) status = (await upgrade(server, from('127.0.0.2'))).status;
    expect(status).toBe(101);
  });

  it('by default, a large office behind one address gets in, and a thousand sockets do not', async () => {
    const server = await fleet.serve();
    expect(LIMITS.addressMaxSockets).toBeGreaterThanOrEqual(200);
    const office = await Promise.all(
      Array.from({ length: LIMITS.addressMaxSockets }, () => fleet.connect(server, from('127.0.0.4'))),
    );
    expect(office).toHaveLength(LIMITS.addressMaxSockets);
    // Every one of the remaining 1,000 - max is refused while the office is in.
    const rest = await Promise.all(
      Array.from({ length: 1000 - LIMITS.addressMaxSockets }, () => upgrade(server, from('127.0.0.4'))),
    );
    expect(new Set(rest.map((outcome) => outcome.status))).toEqual(new Set([429]));
  }, 30_000);

  it('behind a trusted proxy, counts the address it forwards, not the proxy', async () => {
    const server = await fleet.serve({
      addressMaxSockets: 1,
      addressNewSocketsPerMinute: 0,
      trustProxy: ['127.0.0.1'],
    });
    const forwarded = (client: string): ClientOptions => ({ headers: { 'X-Forwarded-For': client } });
    expect((await upgrade(server, forwarded('198.51.100.7'))).status).toBe(101);
    expect((await upgrade(server, forwarded('198.51.100.8'))).status).toBe(101);
    expect((await upgrade(server, forwarded('198.51.100.7'))).status).toBe(429);
    // An IPv6 client is counted by its /64: another address of it is the same subscriber.
    expect((await upgrade(server, forwarded('2001:db8:1:2::1'))).status).toBe(101);
    expect((await upgrade(server, forwarded('2001:db8:1:2::99'))).status).toBe(429);
  });
});

describe('new sockets per address per minute', () => {
  it('refuses with 429 and Retry-After past the rate, even when each socket closed', async () => {
    const server = await fleet.serve({ addressMaxSockets: 0, addressNewSocketsPerMinute: 5 });
    for (let i = 0; i < 5; i++) {
      const client = await fleet.connect(server, from('127.0.0.5'));
      client.socket.close();
      await client.closed;
    }
    const refused = await upgrade(server, from('127.0.0.5'));
    expect(refused.status).toBe(429);
    if (!('response' in refused)) throw new Error('not refused');
    // One new socket comes back every 60 / 5 seconds.
    expect(refused.response.headers['retry-after']).toBe('12');
    expect((await upgrade(server, from('127.0.0.6'))).status).toBe(101);
    expect(
      await metricValue(server.app, 'signal_address_refusals_total', '{limit="new-sockets-per-address"}'),
    ).toBe(1);
  });
});

describe('wrong-password backoff per room and address', () => {
  it('makes a guesser wait, longer each time, and never touches the owner or the right password elsewhere', async () => {
    const server = await fleet.serve();
    const owner = await fleet.connect(server, from('127.0.0.7'));
    const ownerJoined = await owner.join('vault', 'Owner', { password: 'right horse battery' });

    const guesser = await fleet.connect(server, from('127.0.0.8'));
    for (const guess of ['a', 'b', 'c']) {
      guesser.send({ type: 'join', room: 'vault', name: 'Eve', password: guess });
      await guesser.error('wrong-password');
    }
    guesser.send({ type: 'join', room: 'vault', name: 'Eve', password: 'd' });
    const refused = await guesser.next('error');
    expect(refused).toMatchObject({ code: 'too-many-attempts', retryAfterMs: expect.any(Number) });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1000);
    // A new socket from the same address changes nothing: the count is the address's.
    const again = await fleet.connect(server, from('127.0.0.8'));
    again.send({ type: 'join', room: 'vault', name: 'Eve', password: 'right horse battery' });
    await again.error('too-many-attempts');

    // Someone from another address with the right password is let in at once.
    const friend = await fleet.connect(server, from('127.0.0.9'));
    const friendJoined = await friend.join('vault', 'Friend', { password: 'right horse battery' });
    // The owner, inside all along, still relays as before.
    expect((await owner.next('peer-joined')).peer.id).toBe(friendJoined.self);
    owner.send({ type: 'signal', to: friendJoined.self, data: offer });
    expect(await friend.next('signal')).toEqual({ type: 'signal', from: ownerJoined.self, data: offer });
    await owner.expectSilence(50);

    // After the wait, the fourth wrong guess is counted and the next wait is twice as long.
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs));
    guesser.send({ type: 'join', room: 'vault', name: 'Eve', password: 'e' });
    await guesser.error('wrong-password');
    guesser.send({ type: 'join', room: 'vault', name: 'Eve', password: 'f' });
    const longer = await guesser.next('error');
    expect(longer.code).toBe('too-many-attempts');
    expect(longer.retryAfterMs).toBeGreaterThan(1000);
    expect(longer.retryAfterMs).toBeLessThanOrEqual(2000);
    expect(await metricValue(server.app, 'signal_address_refusals_total', '{limit="password-backoff"}')).toBe(
      3,
    );
    // It waits out a real backoff and hashes passwords with scrypt about ten times: past
    // vitest's 5 s on a busy machine.
  }, 20_000);
});
