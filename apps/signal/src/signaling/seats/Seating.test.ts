import type { ErrorCode, JoinedMessage, Peer, RoomId, ServerMessage } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../../test/ManualScheduler.ts';
import { DEFAULT_CONFIG } from '../../config.ts';
import { PasswordBackoff } from '../../limits/PasswordBackoff.ts';
import { SignalMetrics } from '../../plugins/metrics.ts';
import { MemoryRoomRegistry } from '../../rooms/MemoryRoomRegistry.ts';
import type { CloseReason } from '../closeReason.ts';
import { ResumeTokens } from '../ResumeTokens.ts';
import { Seating, type SeatedConnection } from './Seating.ts';
import { Seats } from './Seats.ts';
import type { Session } from './Session.ts';

const GRACE_MS = 2000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A connection without a socket: records what it was sent and how it was closed. */
class FakeConnection implements SeatedConnection {
  session: Session | null = null;
  constructor(readonly address = '192.0.2.1') {}
  readonly sent: ServerMessage[] = [];
  closedWith: { reason: CloseReason; code: number } | undefined;

  send(message: ServerMessage): void {
    this.sent.push(message);
  }

  close(reason: CloseReason, code: number): void {
    this.closedWith = { reason, code };
  }

  /** Everything sent since the last call. */
  take(): ServerMessage[] {
    return this.sent.splice(0);
  }

  joined(): JoinedMessage {
    const message = this.take().find((sent) => sent.type === 'joined');
    if (message?.type !== 'joined') throw new Error('no joined was sent');
    return message;
  }

  errors(): ErrorCode[] {
    return this.take().flatMap((sent) => (sent.type === 'error' ? [sent.code] : []));
  }
}

/**
 * A memory registry where some seats belong to another process, as with Redis: `claim`
 * moves such a seat here and answers with the members that other process listed.
 */
class SharedRooms extends MemoryRoomRegistry {
  readonly foreignSeats = new Map<string, Peer[]>();

  override async claim(_room: RoomId, peer: Peer): Promise<Peer[] | undefined> {
    const others = this.foreignSeats.get(peer.id);
    this.foreignSeats.delete(peer.id);
    return others;
  }
}

function setUp(overrides: Partial<typeof DEFAULT_CONFIG> = {}) {
  const scheduler = new ManualScheduler();
  const seats = new Seats<FakeConnection>();
  const metrics = new SignalMetrics();
  const events: string[] = [];
  const note = (fields: unknown): void => {
    const { event, reason } = fields as { event: string; reason?: string };
    events.push(reason === undefined ? event : `${event}:${reason}`);
  };
  const rooms = new SharedRooms({
    capacity: DEFAULT_CONFIG.roomCapacity,
    deliver: (to, event) => seats.sessionOf(to)?.deliver(event),
  });
  const tokens = new ResumeTokens('seat-rules-test-secret', DAY_MS, scheduler.now);
  const config = { ...DEFAULT_CONFIG, resumeGraceMs: GRACE_MS, ...overrides };
  const seating = new Seating(config, {
    rooms,
    seats,
    tokens,
    backoff: new PasswordBackoff({ maxWaitMs: 60_000, now: scheduler.now }),
    metrics,
    log: { info: note, warn: note },
    scheduler,
  });
  const seatsHeld = async () => (await metrics.seatsHeld.get()).values[0]?.value ?? 0;

  async function join(
    name: string,
    extra: { room?: string; password?: string; resume?: string; address?: string } = {},
  ) {
    const { address, ...fields } = extra;
    const connection = new FakeConnection(address);
    await seating.join(connection, { type: 'join', room: fields.room ?? 'call', name, ...fields });
    return connection;
  }

  /** Ann and Bob in `call`, each having read everything so far. */
  async function pair(password?: string) {
    const ann = await join('Ann', { password });
    const annJoined = ann.joined();
    const bob = await join('Bob', { password });
    const bobJoined = bob.joined();
    ann.take();
    return { ann, bob, annId: annJoined.self, bobId: bobJoined.self, annToken: annJoined.resumeToken ?? '' };
  }

  return { scheduler, seats, seating, rooms, tokens, metrics, events, seatsHeld, join, pair };
}

describe('seat rules', () => {
  it('fresh: a join without a token seats a new PeerId and tells the room', async () => {
    const { pair, events } = setUp();
    const { ann, annId, bobId } = await pair();
    expect(annId).not.toBe(bobId);
    expect(annId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ann.sent).toEqual([]);
    expect(events).toEqual(['peer-joined', 'peer-joined']);
  });

  it('a second join on one connection is already-joined; leave frees the seat at once', async () => {
    const { pair, seating, seats } = setUp();
    const { ann, bob, annId } = await pair();
    await seating.join(ann, { type: 'join', room: 'other', name: 'Ann' });
    expect(ann.errors()).toEqual(['already-joined']);
    await seating.leave(ann);
    expect(bob.take()).toEqual([{ type: 'peer-left', id: annId, reason: 'left' }]);
    expect(seats.sessionOf(annId)).toBeUndefined();
    await seating.leave(ann);
    expect(ann.errors()).toEqual(['not-joined']);
  });

  it('hold: a fault keeps the seat for the grace period, silently, queueing what is sent to it', async () => {
    const { pair, seating, rooms, scheduler, seatsHeld, events } = setUp();
    const { ann, bob, annId, bobId } = await pair();
    await seating.connectionLost(ann, 'fault');
    expect(await seatsHeld()).toBe(1);
    expect(events.at(-1)).toBe('seat-held');
    await rooms.relay('call', bobId, annId, { candidate: null });
    scheduler.advance(GRACE_MS - 1);
    expect(bob.take()).toEqual([]);
    expect(ann.sent).toEqual([]);
  });

  it.each<CloseReason>(['client', 'heartbeat', 'rate-limit', 'too-big', 'protocol'])(
    'no hold after a %s close: the room hears peer-left at once (lost only for a missed pong)',
    async (reason) => {
      const { pair, seating, seatsHeld, events } = setUp();
      const { ann, bob, annId } = await pair();
      await seating.connectionLost(ann, reason);
      const leaveReason = reason === 'heartbeat' ? 'lost' : 'left';
      expect(bob.take()).toEqual([{ type: 'peer-left', id: annId, reason: leaveReason }]);
      expect(await seatsHeld()).toBe(0);
      expect(events.at(-1)).toBe(`peer-left:${reason}`);
    },
  );

  it('no hold at all when the grace is 0', async () => {
    const { pair, seating } = setUp({ resumeGraceMs: 0 });
    const { ann, bob, annId } = await pair();
    await seating.connectionLost(ann, 'fault');
    expect(bob.take()).toEqual([{ type: 'peer-left', id: annId, reason: 'left' }]);
  });

  it('resume: the token takes the held seat back, with what the client knew, then what it missed', async () => {
    const { pair, seating, rooms, join, seatsHeld, events } = setUp();
    const { ann, bob, annId, bobId, annToken } = await pair();
    await seating.connectionLost(ann, 'fault');
    await rooms.relay('call', bobId, annId, { candidate: null });
    const cat = await join('Cat');
    const catId = cat.joined().self;
    await seating.leave(bob);

    const back = await join('Ann', { resume: annToken });
    const [joined, ...missed] = back.take();
    expect(joined).toMatchObject({ type: 'joined', self: annId, resumed: true, peers: [{ id: bobId }] });
    expect(missed).toEqual([
      { type: 'signal', from: bobId, data: { candidate: null } },
      { type: 'peer-joined', peer: { id: catId, name: 'Cat' } },
      { type: 'peer-left', id: bobId, reason: 'left' },
    ]);
    expect(await seatsHeld()).toBe(0);
    expect(cat.take()).toEqual([{ type: 'peer-left', id: bobId, reason: 'left' }]);
    expect(events.at(-1)).toBe('seat-resumed');
  });

  it('resume takes the seat over from a connection that still looks open', async () => {
    const { pair, join, seats, rooms } = setUp();
    const { ann, bob, annId, bobId, annToken } = await pair();
    const replacement = await join('Ann', { resume: annToken });
    expect(replacement.joined()).toMatchObject({ self: annId, resumed: true });
    expect(ann.closedWith).toEqual({ reason: 'replaced', code: 1000 });
    expect(ann.session).toBeNull();
    expect(seats.connectionOf(annId)).toBe(replacement);
    expect(bob.take()).toEqual([]);
    await rooms.relay('call', bobId, annId, { candidate: null });
    expect(replacement.take()).toEqual([{ type: 'signal', from: bobId, data: { candidate: null } }]);
  });

  it('resume needs the room password; a refused one leaves the seat held', async () => {
    const { pair, seating, join, seatsHeld } = setUp();
    const { ann, annId, annToken } = await pair('hunter22');
    await seating.connectionLost(ann, 'fault');
    expect((await join('Ann', { resume: annToken })).errors()).toEqual(['wrong-password']);
    expect((await join('Ann', { resume: annToken, password: 'nope' })).errors()).toEqual(['wrong-password']);
    expect(await seatsHeld()).toBe(1);
    const back = await join('Ann', { resume: annToken, password: 'hunter22' });
    expect(back.joined()).toMatchObject({ self: annId, resumed: true });
  });

  it('fresh: another name, another room or a tampered token joins as a new peer', async () => {
    const { pair, seating, join } = setUp();
    const { ann, bob, annId, annToken } = await pair();
    await seating.connectionLost(ann, 'fault');
    const mallory = (await join('Mallory', { resume: annToken })).joined();
    expect(mallory).toMatchObject({ resumed: false });
    expect(mallory.self).not.toBe(annId);
    expect((await join('Ann', { room: 'elsewhere', resume: annToken })).joined().self).not.toBe(annId);
    const tampered = annToken.slice(0, -2) + (annToken.endsWith('AA') ? 'BB' : 'AA');
    expect((await join('Ann', { resume: tampered })).joined().self).not.toBe(annId);
    expect(bob.take().map((message) => message.type)).toEqual(['peer-joined', 'peer-joined']);
  });

  it('fresh: a token past its lifetime is not honoured (the clock is the scheduler’s)', async () => {
    const { pair, join, scheduler } = setUp({ resumeGraceMs: 10 * DAY_MS });
    const { annId, annToken } = await pair();
    scheduler.advance(DAY_MS + 1);
    expect((await join('Ann', { resume: annToken })).joined().self).not.toBe(annId);
  });

  it('the grace expires: peer-left, then a late token recreates the seat with the same PeerId', async () => {
    const { pair, seating, join, scheduler, seatsHeld, events } = setUp();
    const { ann, bob, annId, bobId, annToken } = await pair();
    await seating.connectionLost(ann, 'fault');
    scheduler.advance(GRACE_MS);
    await Promise.resolve();
    expect(bob.take()).toEqual([{ type: 'peer-left', id: annId, reason: 'left' }]);
    expect(events).toContain('peer-left:grace-expired');
    expect(await seatsHeld()).toBe(0);

    const back = (await join('Ann', { resume: annToken })).joined();
    expect(back).toMatchObject({ self: annId, resumed: false, peers: [{ id: bobId, name: 'Bob' }] });
    expect(bob.take()).toEqual([{ type: 'peer-joined', peer: { id: annId, name: 'Ann' } }]);
  });

  it('recreate: after a restart lost the room, the token seats the same PeerId in a new room', async () => {
    const first = setUp();
    const { annId, annToken } = await first.pair('pw-room');
    const second = setUp();
    const back = (await second.join('Ann', { resume: annToken, password: 'pw-room' })).joined();
    // Nobody was told Ann left: her connections still stand, so this counts as resumed.
    expect(back).toMatchObject({ self: annId, resumed: true, peers: [] });
    // The recreated room took its password from the resuming join.
    expect((await second.join('Eve', { password: 'guess' })).errors()).toEqual(['wrong-password']);
  });

  it('wrong passwords back off per address, never for a member whose token brings them back', async () => {
    const { pair, seating, join, scheduler, metrics } = setUp();
    const { ann, annToken } = await pair('pw-room');
    for (let i = 0; i < 3; i++) {
      expect((await join('Eve', { password: 'guess', address: '198.51.100.9' })).errors()).toEqual([
        'wrong-password',
      ]);
    }
    const refused = await join('Eve', { password: 'pw-room', address: '198.51.100.9' });
    expect(refused.take()).toEqual([
      { type: 'error', code: 'too-many-attempts', message: expect.any(String), retryAfterMs: 1000 },
    ]);
    expect((await metrics.refusals.get()).values).toContainEqual(
      expect.objectContaining({ labels: { limit: 'password-backoff' }, value: 1 }),
    );
    // Someone else, from another address, with the right password: let in.
    expect((await join('Cy', { password: 'pw-room', address: '203.0.113.5' })).joined().peers).toHaveLength(
      2,
    );
    // Ann, behind the guesser's address and seat lost past the grace: her token brings her back.
    await seating.connectionLost(ann, 'fault');
    scheduler.advance(GRACE_MS);
    await Promise.resolve();
    const back = await join('Ann', { resume: annToken, password: 'pw-room', address: '198.51.100.9' });
    expect(back.joined().resumed).toBe(false);
    // The wait over, the guesser's right password is let in and the count forgotten.
    scheduler.advance(1000);
    expect((await join('Eve', { password: 'pw-room', address: '198.51.100.9' })).joined().peers).toHaveLength(
      3,
    );
  });

  it('claim: a seat another process holds moves here, silently', async () => {
    const { join, rooms, events } = setUp();
    const bob = await join('Bob');
    const bobId = bob.joined().self;
    // Ann's seat was made by another process: in the room, with no session here.
    const annId = 'ann-on-another-process';
    await rooms.join({ room: 'call', peer: { id: annId, name: 'Ann' } });
    rooms.foreignSeats.set(annId, [{ id: bobId, name: 'Bob' }]);
    bob.take();
    const token = new ResumeTokens('seat-rules-test-secret', DAY_MS).issue(annId, 'call');

    const claimed = (await join('Ann', { resume: token })).joined();
    expect(claimed).toMatchObject({ self: annId, resumed: true, peers: [{ id: bobId, name: 'Bob' }] });
    expect(bob.take()).toEqual([]);
    expect(events.at(-1)).toBe('seat-claimed');
  });

  it('claim that finds no seat to take joins as a new peer', async () => {
    const { join, rooms } = setUp();
    const annId = 'ann-on-another-process';
    await rooms.join({ room: 'call', peer: { id: annId, name: 'Ann' } });
    const token = new ResumeTokens('seat-rules-test-secret', DAY_MS).issue(annId, 'call');
    const joined = (await join('Ann', { resume: token })).joined();
    expect(joined.self).not.toBe(annId);
    expect(joined.resumed).toBe(false);
  });

  it('release: another process resumed the seat; it goes quietly, closing the connection in it', async () => {
    const { pair, seating, seats, events } = setUp();
    const { ann, bob, annId } = await pair();
    seating.release(annId);
    expect(ann.closedWith).toEqual({ reason: 'replaced', code: 1000 });
    expect(seats.sessionOf(annId)).toBeUndefined();
    expect(bob.take()).toEqual([]);
    expect(events.at(-1)).toBe('seat-released');
  });

  it('release of a held seat stops counting it as held', async () => {
    const { pair, seating, seatsHeld } = setUp();
    const { ann, annId } = await pair();
    await seating.connectionLost(ann, 'fault');
    seating.release(annId);
    expect(await seatsHeld()).toBe(0);
  });

  it('overflow: a held seat that queues past the limit is given up with peer-left', async () => {
    const { pair, seating, rooms, events } = setUp({ resumeQueueLimit: 5 });
    const { ann, bob, annId, bobId } = await pair();
    await seating.connectionLost(ann, 'fault');
    for (let i = 0; i < 5; i++) await rooms.relay('call', bobId, annId, { candidate: null });
    expect(bob.take()).toEqual([]);
    await rooms.relay('call', bobId, annId, { candidate: null });
    await Promise.resolve();
    expect(bob.take()).toEqual([{ type: 'peer-left', id: annId, reason: 'left' }]);
    expect(events).toContain('hold-overflow');
  });
});
