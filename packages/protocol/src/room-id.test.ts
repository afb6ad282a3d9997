import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoomId, isRoomId } from './index.ts';
import { roomId } from './testing/arbitraries.ts';

describe('isRoomId', () => {
  it.each(['a', 'team-standup_1', 'A'.repeat(64)])('accepts %s', (room) => {
    expect(isRoomId(room)).toBe(true);
  });

  it.each(['', 'A'.repeat(65), 'with space', 'ä', 'a/b', 'a\n'])('refuses %j', (room) => {
    expect(isRoomId(room)).toBe(false);
  });

  it('says what the RoomId schema says, for any text and any valid room', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), roomId), (text) => {
        expect(isRoomId(text)).toBe(RoomId.safeParse(text).success);
      }),
    );
  });
});
