import { describe, expect, it } from 'vitest';
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
});
