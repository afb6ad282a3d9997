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
