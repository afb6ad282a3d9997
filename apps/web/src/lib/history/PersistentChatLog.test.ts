// @vitest-environment node
// Node's own Blob and structuredClone, as fake-indexeddb stores values by structured clone.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEntry } from '../state/chat.svelte.ts';
import { ChatHistory } from './ChatHistory.ts';
import { PersistentChatLog } from './PersistentChatLog.svelte.ts';

let databaseNumber = 0;
let name: string;
const photos = new Map<string, Blob>();
const logs: PersistentChatLog[] = [];

beforeEach(() => {
  name = `chat-log-test-${++databaseNumber}`;
});
afterEach(() => {
  for (const log of logs.splice(0)) log.clear();
  photos.clear();
});

function openLog(room: string): PersistentChatLog {
  const log = new PersistentChatLog(room, {
    openHistory: () => ChatHistory.open({ name }),
    readPhoto: async (src) => photos.get(src) ?? (await fetch(src).then((response) => response.blob())),
  });
  logs.push(log);
  return log;
}

const text = (id: string, body: string, isOwn = false): ChatEntry => ({
  kind: 'text',
  id,
  text: body,
  senderName: isOwn ? 'Me' : 'Ada',
  isOwn,
  sentAt: 1_700_000_000_000,
});

function photoEntry(id: string, bytes: Uint8Array): ChatEntry {
  const src = `blob:test/${id}`;
  photos.set(src, new Blob([bytes as BlobPart], { type: 'image/jpeg' }));
  return {
    kind: 'photo',
    id,
    src,
    senderName: 'Ada',
    isOwn: false,
    sentAt: 1,
    width: 4,
    height: 3,
  };
}

/** Writes are fire-and-forget in the UI; wait until storage caught up. */
async function settle(room: string, count: number): Promise<void> {
  const history = await ChatHistory.open({ name });
  try {
    for (let i = 0; i < 50 && (await history.list(room)).length < count; i++)
      await new Promise((r) => setTimeout(r, 10));
  } finally {
    history.close();
  }
}

describe('PersistentChatLog', () => {
  it('shows the room’s earlier messages and photos again, in order, when the page opens again', async () => {
    const first = openLog('standup');
    await first.restored;
    first.add(text('msg-aaaa1', 'hello', true));
    first.add(photoEntry('photo-001', new Uint8Array([1, 2, 3])));
    first.add(text('msg-aaaa2', 'hi there'));
    await settle('standup', 3);
    first.clear();

    const second = openLog('standup');
    await second.restored;
    expect(second.isHistoryAvailable).toBe(true);
    expect(second.entries.map((entry) => entry.id)).toEqual(['msg-aaaa1', 'photo-001', 'msg-aaaa2']);
    expect(second.entries[0]).toMatchObject({ kind: 'text', text: 'hello', senderName: 'Me', isOwn: true });
    const photo = second.entries[1];
    if (photo?.kind !== 'photo') throw new Error('expected a photo');
    expect(photo).toMatchObject({ senderName: 'Ada', width: 4, height: 3 });
    expect(photo.src.startsWith('blob:')).toBe(true);
    const restoredBytes = new Uint8Array(await (await fetch(photo.src)).arrayBuffer());
    expect([...restoredBytes]).toEqual([1, 2, 3]);
  });

  it('keeps messages that arrive while reading after the earlier ones', async () => {
    const first = openLog('standup');
    await first.restored;
    first.add(text('msg-old01', 'earlier'));
    await settle('standup', 1);
    first.clear();

    const second = openLog('standup');
    second.add(text('msg-new01', 'live')); // before the history is read back
    await second.restored;
    expect(second.entries.map((entry) => entry.id)).toEqual(['msg-old01', 'msg-new01']);
  });

  it('Clear history empties the log and the stored history of that room only', async () => {
    const log = openLog('standup');
    await log.restored;
    log.add(text('msg-aaaa1', 'hello'));
    const other = openLog('retro');
    await other.restored;
    other.add(text('msg-bbbb1', 'elsewhere'));
    await settle('standup', 1);
    await settle('retro', 1);

    await log.clearHistory();
    expect(log.entries).toEqual([]);
    const reopened = openLog('standup');
    await reopened.restored;
    expect(reopened.entries).toEqual([]);
    const retro = openLog('retro');
    await retro.restored;
    expect(retro.entries.map((entry) => entry.id)).toEqual(['msg-bbbb1']);
  });

  it('works as a plain chat log when the browser cannot store anything', async () => {
    const log = new PersistentChatLog('standup', {
      openHistory: () => Promise.reject(new Error('no IndexedDB')),
    });
    logs.push(log);
    await log.restored;
    log.add(text('msg-aaaa1', 'hello'));
    expect(log.isHistoryAvailable).toBe(false);
    expect(log.entries).toHaveLength(1);
    await log.clearHistory();
    expect(log.entries).toEqual([]);
  });
});

describe('PersistentChatLog when the call ends', () => {
  it('still stores what was shown just before hanging up', async () => {
    const log = openLog('standup');
    await log.restored;
    log.add(photoEntry('photo-001', new Uint8Array([9])));
    log.add(text('msg-last1', 'bye'));
    log.clear();
    await settle('standup', 2);
    const again = openLog('standup');
    await again.restored;
    expect(again.entries.map((entry) => entry.id)).toEqual(['photo-001', 'msg-last1']);
  });
});
