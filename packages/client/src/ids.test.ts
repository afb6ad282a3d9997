import { MessageId, RoomId } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { randomBase64Url, randomMessageId, randomRoomId } from './ids.ts';

describe('random ids', () => {
  it('makes valid, distinct room ids of 10 base64url characters', () => {
    const ids = new Set(Array.from({ length: 200 }, () => randomRoomId()));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toHaveLength(10);
      expect(RoomId.safeParse(id).success).toBe(true);
    }
  });

  it('makes valid message ids', () => {
    expect(MessageId.safeParse(randomMessageId()).success).toBe(true);
  });

  it('maps every byte to the 64-character alphabet', () => {
    const id = randomBase64Url(4, (bytes) => bytes.set([0, 63, 64, 255]));
    expect(id).toBe('A_A_');
  });
});
