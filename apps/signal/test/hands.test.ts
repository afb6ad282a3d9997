/**
 * Raised hands and reactions over real sockets, on the in-memory registry (redis.test.ts
 * covers them across processes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppOptions } from '../src/app.ts';
import { eventually, metricValue, type TestClient, TestFleet, type TestServer } from './helpers.ts';

const fleet = new TestFleet({ faultInjection: true, resumeGraceMs: 2000 });

afterEach(() => fleet.closeAll());

interface Seat {
  client: TestClient;
  id: string;
  token: string;
}

async function seat(server: TestServer, room: string, name: string, extra = {}): Promise<Seat> {
  const client = await fleet.connect(server);
  const joined = await client.join(room, name, extra);
  return { client, id: joined.self, token: joined.resumeToken ?? '' };
}

async function pair(options: Partial<AppOptions> = {}): Promise<[TestServer, Seat, Seat]> {
  const server = await fleet.serve(options);
  const ann = await seat(server, 'hands', 'Ann');
  const bob = await seat(server, 'hands', 'Bob');
  await ann.client.next('peer-joined');
  return [server, ann, bob];
}

describe('hand', () => {
  it('raising tells everyone, the raiser too; lowering likewise; the same state twice is not repeated', async () => {
    const [, ann, bob] = await pair();
    ann.client.send({ type: 'hand', raised: true });
    expect(await bob.client.next('hand')).toEqual({ type: 'hand', id: ann.id, raised: true });
    expect(await ann.client.next('hand')).toEqual({ type: 'hand', id: ann.id, raised: true });
    ann.client.send({ type: 'hand', raised: true });
    await bob.client.expectSilence();
    await ann.client.expectSilence(0);
    ann.client.send({ type: 'hand', raised: false });
    expect(await bob.client.next('hand')).toEqual({ type: 'hand', id: ann.id, raised: false });
    expect(await ann.client.next('hand')).toEqual({ type: 'hand', id: ann.id, raised: false });
  });

  it('a joiner sees raised hands in joined.peers', async () => {
    const [server, ann, bob] = await pair();
    bob.client.send({ type: 'hand', raised: true });
    expect((await ann.client.next('hand')).id).toBe(bob.id);
    ann.client.send({ type: 'hand', raised: true });
    expect((await ann.client.next('hand')).id).toBe(ann.id);
    const cy = await seat(server, 'hands', 'Cy');
    const joined = cy.client.received.find((message) => message.type === 'joined');
    expect(joined?.type === 'joined' && joined.peers).toEqual([
      { id: ann.id, name: 'Ann', hand: true },
      { id: bob.id, name: 'Bob', hand: true },
    ]);
  });

  it('survives a resume, and the resumed client hears the hands raised while it was away', async () => {
    const [server, ann, bob] = await pair();
    ann.client.send({ type: 'hand', raised: true });
    await bob.client.next('hand');
    await ann.client.next('hand');
    await server.app.inject({ method: 'POST', url: `/test/drop/${ann.id}` });
    await eventually(async () => (await metricValue(server.app, 'signal_seats_held')) === 1);
    bob.client.send({ type: 'hand', raised: true });
    await bob.client.next('hand');

    const back = await fleet.connect(server);
    const joined = await back.join('hands', 'Ann', { resume: ann.token });
    expect(joined).toMatchObject({ self: ann.id, resumed: true, peers: [{ id: bob.id, name: 'Bob' }] });
    expect(await back.next('hand')).toEqual({ type: 'hand', id: bob.id, raised: true });
    const cy = await seat(server, 'hands', 'Cy');
    const cyJoined = cy.client.received.find((message) => message.type === 'joined');
    expect(cyJoined?.type === 'joined' && cyJoined.peers.map((peer) => peer.hand)).toEqual([true, true]);
  });

  it('is lowered when the person leaves: the room hears only peer-left, and nobody is shown it again', async () => {
    const [server, ann, bob] = await pair();
    ann.client.send({ type: 'hand', raised: true });
    await bob.client.next('hand');
    ann.client.send({ type: 'leave' });
    expect(await bob.client.next('peer-left')).toMatchObject({ type: 'peer-left', id: ann.id });
    await bob.client.expectSilence();
    const cy = await seat(server, 'hands', 'Cy');
    const joined = cy.client.received.find((message) => message.type === 'joined');
    expect(joined?.type === 'joined' && joined.peers).toEqual([{ id: bob.id, name: 'Bob' }]);
  });

  it('before joining: not-joined', async () => {
    const server = await fleet.serve();
    const client = await fleet.connect(server);
    client.send({ type: 'hand', raised: true });
    await client.error('not-joined');
    client.send({ type: 'react', emoji: '👍' });
    await client.error('not-joined');
  });
});

describe('react', () => {
  it('everyone gets the reaction with the sender set by the server; only the six emoji pass', async () => {
    const [, ann, bob] = await pair();
    bob.client.send({ type: 'react', emoji: '👍', from: ann.id });
    expect(await ann.client.next('reaction')).toEqual({ type: 'reaction', from: bob.id, emoji: '👍' });
    expect(await bob.client.next('reaction')).toEqual({ type: 'reaction', from: bob.id, emoji: '👍' });
    bob.client.send({ type: 'react', emoji: '<b>hi</b>' });
    await bob.client.error('bad-message');
    await ann.client.expectSilence();
  });

  it('5 reactions per 10 s per connection: the sixth is rate-limited, other people are not slowed', async () => {
    const [, ann, bob] = await pair();
    for (let i = 0; i < 6; i++) bob.client.send({ type: 'react', emoji: '🎉' });
    for (let i = 0; i < 5; i++) expect((await bob.client.next('reaction')).emoji).toBe('🎉');
    await bob.client.error('rate-limited');
    for (let i = 0; i < 5; i++) expect((await ann.client.next('reaction')).from).toBe(bob.id);
    ann.client.send({ type: 'react', emoji: '❤️' });
    expect(await ann.client.next('reaction')).toEqual({ type: 'reaction', from: ann.id, emoji: '❤️' });
    await ann.client.expectSilence();
  });

  it('is not replayed to a seat that was held when it was sent', async () => {
    const [server, ann, bob] = await pair();
    await server.app.inject({ method: 'POST', url: `/test/drop/${ann.id}` });
    await eventually(async () => (await metricValue(server.app, 'signal_seats_held')) === 1);
    bob.client.send({ type: 'react', emoji: '😂' });
    await bob.client.next('reaction');
    const back = await fleet.connect(server);
    await back.join('hands', 'Ann', { resume: ann.token });
    await back.expectSilence(300);
  });
});
