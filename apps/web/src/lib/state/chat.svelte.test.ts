import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatLog } from './chat.svelte.ts';

describe('ChatLog', () => {
  it('keeps entries in order and shows a repeated message once', () => {
    const log = new ChatLog();
    const entry = {
      kind: 'text' as const,
      id: 'abcdefgh',
      senderName: 'Bob',
      isOwn: false,
      text: 'hi',
      sentAt: 1,
    };
    log.add(entry);
    log.add({ ...entry, id: 'abcdefgi', text: 'there' });
    log.add(entry);
    expect(log.entries.map((e) => (e.kind === 'text' ? e.text : ''))).toEqual(['hi', 'there']);
    log.clear();
    expect(log.entries).toEqual([]);
  });

  it('keeps the last 500 entries and forgets the ids of older ones with them', () => {
    const log = new ChatLog();
    const line = (n: number) => ({
      kind: 'text' as const,
      id: `line-${String(n).padStart(4, '0')}`,
      senderName: 'Bob',
      isOwn: false,
      text: `line ${n}`,
      sentAt: n,
    });
    for (let n = 0; n < 1200; n++) log.add(line(n));
    expect(log.entries).toHaveLength(500);
    expect(log.entries[0]).toMatchObject({ text: 'line 700' });
    // A recent repeat is still shown once; an id trimmed away long ago is not remembered.
    expect(log.add(line(1199))).toBe(false);
    expect(log.add(line(3))).toBe(true);
  });

  describe('photo object URLs', () => {
    const revoked: string[] = [];
    const original = URL.revokeObjectURL;
    afterEach(() => {
      URL.revokeObjectURL = original;
      revoked.length = 0;
    });

    it('revokes the URL of a repeated photo at once, and the shown one on clear', () => {
      URL.revokeObjectURL = vi.fn((url: string) => void revoked.push(url));
      const log = new ChatLog();
      const photo = {
        kind: 'photo' as const,
        id: 'abcdefgh',
        senderName: 'Bob',
        isOwn: false,
        sentAt: 1,
        src: 'blob:first',
        width: 4,
        height: 3,
      };
      expect(log.add(photo)).toBe(true);
      expect(log.add({ ...photo, src: 'blob:repeat' })).toBe(false);
      expect(revoked).toEqual(['blob:repeat']);
      expect(log.entries).toHaveLength(1);
      log.clear();
      expect(revoked).toEqual(['blob:repeat', 'blob:first']);
    });
  });
});
