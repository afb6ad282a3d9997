import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../../test/ManualScheduler.ts';
import { Seats, type Occupant } from './Seats.ts';
import { Session } from './Session.ts';

const scheduler = new ManualScheduler();

function session(peerId: string): Session {
  return new Session(peerId, 'room', 'Ann', 10, () => {}, scheduler);
}

function occupant(): Occupant {
  return { session: null };
}

describe('Seats', () => {
  it('finds both a seat and the connection in it by PeerId, in both directions', () => {
    const seats = new Seats<Occupant>();
    const ann = session('ann-peer-id-0000');
    const socket = occupant();
    seats.sit(ann, socket);
    expect(seats.sessionOf(ann.peerId)).toBe(ann);
    expect(seats.connectionOf(ann.peerId)).toBe(socket);
    expect(socket.session).toBe(ann);
  });

  it('keeps a seat its connection stood up from, with no connection (held)', () => {
    const seats = new Seats<Occupant>();
    const ann = session('ann-peer-id-0000');
    const socket = occupant();
    seats.sit(ann, socket);
    expect(seats.stand(socket)).toBe(ann);
    expect(socket.session).toBeNull();
    expect(seats.sessionOf(ann.peerId)).toBe(ann);
    expect(seats.connectionOf(ann.peerId)).toBeUndefined();
    expect(seats.stand(socket)).toBeNull();
  });

  it('a resume seats a new connection in the same seat', () => {
    const seats = new Seats<Occupant>();
    const ann = session('ann-peer-id-0000');
    const [first, second] = [occupant(), occupant()];
    seats.sit(ann, first);
    seats.stand(first);
    seats.sit(ann, second);
    expect(seats.connectionOf(ann.peerId)).toBe(second);
    expect(first.session).toBeNull();
  });

  it('remove ends the seat and stands its connection up', () => {
    const seats = new Seats<Occupant>();
    const ann = session('ann-peer-id-0000');
    const socket = occupant();
    seats.sit(ann, socket);
    seats.remove(ann);
    expect(ann.isEnded).toBe(true);
    expect(socket.session).toBeNull();
    expect(seats.sessionOf(ann.peerId)).toBeUndefined();
    expect(seats.connectionOf(ann.peerId)).toBeUndefined();
  });

  it('removing an older seat for a PeerId leaves the newer one and its connection alone', () => {
    const seats = new Seats<Occupant>();
    const older = session('ann-peer-id-0000');
    const newer = session('ann-peer-id-0000');
    const [first, second] = [occupant(), occupant()];
    seats.sit(older, first);
    seats.sit(newer, second);
    seats.remove(older);
    expect(seats.sessionOf(newer.peerId)).toBe(newer);
    expect(seats.connectionOf(newer.peerId)).toBe(second);
    expect(second.session).toBe(newer);
    // The older connection is not the seat's any more, whatever it still points at.
    expect(seats.connectionOf(older.peerId)).not.toBe(first);
  });

  it('counts held seats, and clear() ends every seat', () => {
    const seats = new Seats<Occupant>();
    const [ann, bob] = [session('ann-peer-id-0000'), session('bob-peer-id-0000')];
    seats.sit(ann, occupant());
    seats.sit(bob, occupant());
    ann.hold(1000, () => {});
    expect(seats.countHeld()).toBe(1);
    seats.clear();
    expect([ann.isEnded, bob.isEnded]).toEqual([true, true]);
    expect(seats.sessionOf(ann.peerId)).toBeUndefined();
  });
});
