// @vitest-environment node
// Node's own Blob and structuredClone, as fake-indexeddb stores values by structured clone.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatHistory, type NewHistoryEntry } from './ChatHistory.ts';

let history: ChatHistory;
let databaseNumber = 0;
let name: string;

beforeEach(async () => {
  name = `history-test-${++databaseNumber}`;
  history = await ChatHistory.open({ name });
});
afterEach(() => history.close());

const message = (id: string, text: string, extra: Partial<NewHistoryEntry> = {}): NewHistoryEntry =>
  ({
    kind: 'message',
    id,
    text,
    senderName: 'Ada',
    sentAt: 1_700_000_000_000,
    isOwn: false,
    ...extra,
  }) as NewHistoryEntry;

const photo = (id: string, bytes: number): NewHistoryEntry => ({
  kind: 'photo',
  id,
  photo: new Blob([new Uint8Array(bytes).fill(7)], { type: 'image/jpeg' }),
  width: 640,
  height: 480,
  senderName: 'Grace',
  sentAt: 1_700_000_000_500,
  isOwn: true,
});

describe('ChatHistory', () => {
  it('restores messages and photos of a room in the order they were added, after reopening', async () => {
    // Clocks of other devices disagree: arrival order wins over sentAt.
    await history.add('standup', message('msg-aaaa1', 'first', { sentAt: 9_000 }));
    await history.add('standup', photo('photo-bbb1', 1000));
    await history.add(
      'standup',
      message('msg-cccc1', 'third', { sentAt: 1_000, isOwn: true, senderName: 'Me' }),
    );
    history.close();

    history = await ChatHistory.open({ name });
    const entries = await history.list('standup');
    expect(entries.map((entry) => entry.id)).toEqual(['msg-aaaa1', 'photo-bbb1', 'msg-cccc1']);
    expect(entries[0]).toMatchObject({ kind: 'message', text: 'first', senderName: 'Ada', isOwn: false });
    expect(entries[2]).toMatchObject({
      kind: 'message',
      text: 'third',
      senderName: 'Me',
      isOwn: true,
      sentAt: 1_000,
    });

    const stored = entries[1];
    if (stored?.kind !== 'photo') throw new Error('expected a photo');
    expect(stored).toMatchObject({ senderName: 'Grace', isOwn: true, width: 640, height: 480 });
    expect(stored.photo.type).toBe('image/jpeg');
    expect(new Uint8Array(await stored.photo.arrayBuffer())).toEqual(new Uint8Array(1000).fill(7));
  });

  it('keeps rooms apart, and clears one room only', async () => {
    await history.add('standup', message('msg-aaaa1', 'in standup'));
    await history.add('retro', message('msg-aaaa2', 'in retro'));
    expect((await history.list('standup')).map((entry) => entry.id)).toEqual(['msg-aaaa1']);

    await history.clear('standup');
    expect(await history.list('standup')).toEqual([]);
    expect((await history.list('retro')).map((entry) => entry.id)).toEqual(['msg-aaaa2']);

    await history.add('standup', message('msg-aaaa3', 'after clearing'));
    expect((await history.list('standup')).map((entry) => entry.id)).toEqual(['msg-aaaa3']);
  });

  it('stores an entry once even when handed over twice', async () => {
    expect(await history.add('standup', message('msg-aaaa1', 'hello'))).toBe(true);
    expect(await history.add('standup', message('msg-aaaa1', 'hello'))).toBe(false);
    // The same id in another room is another message.
    expect(await history.add('retro', message('msg-aaaa1', 'hello'))).toBe(true);
    expect(await history.list('standup')).toHaveLength(1);
  });

  it('refuses entries that are not a message or a photo', async () => {
    const broken = { kind: 'message', id: 'msg-aaaa1', senderName: 'Ada', sentAt: 1, isOwn: false };
    expect(await history.add('standup', broken as unknown as NewHistoryEntry)).toBe(false);
    expect(await history.list('standup')).toEqual([]);
  });

  it('drops the oldest entries beyond the entry cap', async () => {
    history.close();
    history = await ChatHistory.open({ name, limits: { maxEntries: 3 } });
    for (let i = 1; i <= 5; i++) await history.add('standup', message(`msg-${i}aaaa`, `message ${i}`));
    await history.add('retro', message('msg-retro1', 'other room'));

    expect((await history.list('standup')).map((entry) => entry.kind === 'message' && entry.text)).toEqual([
      'message 3',
      'message 4',
      'message 5',
    ]);
    expect(await history.usage('standup')).toMatchObject({ entries: 3 });
    expect(await history.list('retro')).toHaveLength(1);
  });

  it('drops the oldest entries beyond the byte cap, keeping the newest photo', async () => {
    history.close();
    history = await ChatHistory.open({ name, limits: { maxBytes: 25_000 } });
    await history.add('standup', message('msg-aaaa1', 'before the photos'));
    await history.add('standup', photo('photo-0001', 10_000));
    await history.add('standup', photo('photo-0002', 10_000));
    expect((await history.list('standup')).map((entry) => entry.id)).toEqual([
      'msg-aaaa1',
      'photo-0001',
      'photo-0002',
    ]);

    await history.add('standup', photo('photo-0003', 10_000));
    expect((await history.list('standup')).map((entry) => entry.id)).toEqual(['photo-0002', 'photo-0003']);
    expect((await history.usage('standup')).bytes).toBeLessThanOrEqual(25_000);

    // A single photo larger than the cap still stays until something newer arrives.
    await history.add('standup', photo('photo-0004', 30_000));
    expect((await history.list('standup')).map((entry) => entry.id)).toEqual(['photo-0004']);
  });

  it('caps a room at 500 entries by default', async () => {
    for (let i = 0; i < 505; i++)
      await history.add('busy', message(`msg-${String(i).padStart(5, '0')}`, `n${i}`));
    const entries = await history.list('busy');
    expect(entries).toHaveLength(500);
    expect(entries[0]?.id).toBe('msg-00005');
    expect(entries.at(-1)?.id).toBe('msg-00504');
  }, 30_000);
});
