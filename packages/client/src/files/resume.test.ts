import type { FileResumeMessage, PeerMessage } from '@app/protocol';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/ManualClock.ts';
import { FileReceiver } from './FileReceiver.ts';
import type { FileSender } from './FileSender.ts';
import type { FileTransfers } from './FileTransfers.ts';
import { BLOCK_BYTES, BlockDigests, blockCount, fileDigestHex } from './hash.ts';
import { MemoryTransferStore, RESUME_WINDOW_MS, type StoredTransfer } from './store.ts';
import { FakeChannel, until } from './testing/FakeChannel.ts';
import { FakeDisk } from './testing/FakeDisk.ts';
import { randomBytes, TestCall } from './testing/link.ts';
import type { TransferState } from './transfer.ts';

const MiB = BLOCK_BYTES;
const noSweep = async () => undefined;

/** Every transfer a page shows, and what happened to each. */
function watch(page: FileTransfers) {
  const seen = {
    senders: [] as FileSender[],
    receivers: [] as FileReceiver[],
    states: [] as TransferState<string>[],
    completed: [] as Blob[],
  };
  page.events.on('outgoing', ({ sender }) => {
    seen.senders.push(sender);
    sender.events.on('status', (state) => seen.states.push(state));
  });
  page.events.on('incoming', ({ receiver }) => {
    seen.receivers.push(receiver);
    receiver.events.on('status', (state) => seen.states.push(state));
    receiver.events.on('complete', ({ file }) => seen.completed.push(file));
  });
  return seen;
}

/** Alice sends `bytes` to Bob, whose part is on a disk that outlives his page; Bob accepts. */
async function startTransfer(bytes: Uint8Array<ArrayBuffer>, stopAt: number) {
  const call = new TestCall();
  const disk = new FakeDisk();
  const aliceStore = new MemoryTransferStore();
  const bobStore = new MemoryTransferStore();
  const bobStorage = { store: bobStore, openSink: disk.open, restoreSink: disk.restore, sweepParts: noSweep };
  const alice = call.join('alice', { store: aliceStore, sweepParts: noSweep });
  const bob = call.join('bob', bobStorage);
  const a = watch(alice);
  const b = watch(bob);
  alice.send(new File([bytes], 'movie.bin', { type: 'video/mp4' }), [{ id: 'bob', name: 'Bob' }]);
  await call.run(() => b.receivers.length > 0);
  await b.receivers[0]!.accept();
  await call.run(() => b.receivers[0]!.bytesReceived > stopAt);
  return { call, disk, aliceStore, bobStore, bobStorage, alice, bob, a, b };
}

/** The protocol's `prefix` of the first `blocks` blocks, computed here from the bytes. */
async function prefixOf(bytes: Uint8Array<ArrayBuffer>, blocks: number): Promise<string> {
  const digests = new BlockDigests();
  for (let block = 0; block < blocks; block++) {
    digests.add(block, bytes.slice(block * MiB, (block + 1) * MiB));
  }
  return digests.prefixHex(blocks);
}

const sameBytes = async (blob: Blob, bytes: Uint8Array) =>
  bytesToHex(sha256(new Uint8Array(await blob.arrayBuffer()))) === bytesToHex(sha256(bytes));

const sent = (call: TestCall, type: PeerMessage['type']) =>
  call.controlLog.filter(({ message }) => message.type === type);

describe('a transfer cut by a lost connection', () => {
  it('resumes from the last stored block on a new channel, without a second accept', async () => {
    const bytes = randomBytes(6 * MiB + 1234);
    const { call, a, b } = await startTransfer(bytes, 3.5 * MiB);
    const [sender, receiver] = [a.senders[0]!, b.receivers[0]!];
    const before = receiver.bytesReceived;

    call.cut('alice', 'bob');
    await call.run(() => sender.status === 'paused' && receiver.status === 'paused');
    // The partial block is dropped; whole blocks stay.
    const kept = receiver.bytesReceived;
    expect(kept % MiB).toBe(0);
    expect(kept).toBeGreaterThanOrEqual(3 * MiB);
    expect(kept).toBeLessThanOrEqual(before);

    call.heal('alice', 'bob');
    await call.run(() => sender.isFinished && receiver.isFinished);
    expect([sender.status, receiver.status]).toEqual(['done', 'complete']);
    expect(await sameBytes(b.completed[0]!, bytes)).toBe(true);
    expect(sent(call, 'file-accept')).toHaveLength(1);
    const resume = sent(call, 'file-resume').at(-1)!.message as FileResumeMessage;
    expect(resume.from).toBe(kept / MiB);
    expect(resume.prefix).toBe(await prefixOf(bytes, kept / MiB));
    const second = call.channelsFrom('alice').at(-1)!;
    expect(second.label).toBe(`file:${sender.id}:${resume.attempt}`);
    // Only the rest went again: the bytes after the kept blocks, and file-end.
    expect(second.sentBytes - (bytes.byteLength - kept)).toBeGreaterThan(0);
    expect(second.sentBytes - (bytes.byteLength - kept)).toBeLessThan(200);
    call.close();
  });

  it('catches a block corrupted after the resume with the file digest, and saves nothing', async () => {
    const bytes = randomBytes(5 * MiB);
    const { call, a, b } = await startTransfer(bytes, 2.5 * MiB);
    call.cut('alice', 'bob');
    await call.run(() => b.receivers[0]!.status === 'paused');
    let isTampered = false;
    call.tamper = (label, data) => {
      if (isTampered || !label.includes(':', 5) || typeof data === 'string') return data;
      isTampered = true;
      const copy = new Uint8Array(data.slice(0));
      copy[100]! ^= 0xff;
      return copy.buffer;
    };
    call.heal('alice', 'bob');
    await call.run(() => a.senders[0]!.isFinished && b.receivers[0]!.isFinished);
    expect(isTampered).toBe(true);
    expect(b.receivers[0]!.status).toBe('failed');
    expect(a.senders[0]!.status).toBe('failed');
    expect(b.states.at(-1)).toMatchObject({ reason: 'corrupt' });
    expect(sent(call, 'file-result').at(-1)!.message).toMatchObject({ ok: false });
    expect(b.completed).toHaveLength(0);
    call.close();
  });

  it('gives up after the resume window, freeing the stored part and the records', async () => {
    const { call, disk, aliceStore, bobStore, a, b } = await startTransfer(randomBytes(4 * MiB), 2.5 * MiB);
    call.cut('alice', 'bob');
    await call.run(() => b.receivers[0]!.status === 'paused' && a.senders[0]!.status === 'paused');
    expect(disk.parts.size).toBe(1);
    call.clock.advance(RESUME_WINDOW_MS - 1);
    expect(b.receivers[0]!.status).toBe('paused');
    call.clock.advance(1);
    await call.run(() => false, 5);
    expect([a.senders[0]!.status, b.receivers[0]!.status]).toEqual(['failed', 'failed']);
    expect(disk.parts.size).toBe(0);
    expect([aliceStore.records.size, bobStore.records.size]).toEqual([0, 0]);
    call.close();
  });
  it('a sender that cancels while the receiver is away has the receiver delete its part once it hears', async () => {
    const { call, disk, bobStore, a, b } = await startTransfer(randomBytes(4 * MiB), 2.5 * MiB);
    call.cut('alice', 'bob');
    await call.run(() => b.receivers[0]!.status === 'paused' && a.senders[0]!.status === 'paused');
    expect(disk.parts.size).toBe(1);
    a.senders[0]!.cancel();
    call.heal('alice', 'bob');
    await call.run(() => b.receivers[0]!.isFinished && disk.parts.size === 0 && bobStore.records.size === 0);
    expect(b.receivers[0]!.status).toBe('cancelled');
    expect([disk.parts.size, bobStore.records.size]).toEqual([0, 0]);
    expect(b.completed).toHaveLength(0);
    call.close();
  });
});

describe('a reload of either side', () => {
  it('the receiver comes back under a new PeerId and goes on from the blocks on its disk', async () => {
    const bytes = randomBytes(7 * MiB + 99);
    const { call, bobStore, bobStorage, a, b } = await startTransfer(bytes, 4.5 * MiB);
    const sender = a.senders[0]!;
    // The record follows the disk once the stored blocks' digests are done (off the main thread).
    const stored = () => [...bobStore.records.values()][0];
    await call.run(() => (stored()?.blocks ?? 0) > 0);
    const record = stored()!;
    expect(record).toMatchObject({ direction: 'incoming', peerId: 'alice', storage: 'disk' });
    expect(record.blocks).toBeGreaterThan(0);

    call.leave('bob');
    expect(sender.status).toBe('paused');
    const bob2 = call.join('bob2', bobStorage);
    const b2 = watch(bob2);
    await bob2.restore();
    const receiver = b2.receivers[0]!;
    expect(receiver.id).toBe(b.receivers[0]!.id);
    // What the old page had committed (FakeDisk commits every 2 blocks), nothing more.
    const resumedAt = receiver.bytesReceived;
    expect(resumedAt % (2 * MiB)).toBe(0);
    expect(resumedAt).toBeGreaterThanOrEqual(record.blocks * MiB);

    await call.run(() => sender.isFinished && receiver.isFinished);
    expect([sender.status, receiver.status]).toEqual(['done', 'complete']);
    expect(sender.peerId).toBe('bob2');
    expect(await sameBytes(b2.completed[0]!, bytes)).toBe(true);
    expect(sent(call, 'file-accept')).toHaveLength(1);
    expect(sent(call, 'file-resume').at(-1)).toMatchObject({
      from: 'bob2',
      message: { from: resumedAt / MiB },
    });
    expect(bobStore.records.size).toBe(0);
    call.close();
  });

  it('a receiver whose blocks were only in memory starts over, still without a second accept', async () => {
    const bytes = randomBytes(3 * MiB);
    const { call, bobStore, disk, a } = await startTransfer(bytes, 1.5 * MiB);
    for (const [key, record] of bobStore.records) bobStore.records.set(key, { ...record, storage: 'memory' });
    disk.parts.clear();
    call.leave('bob');
    const bob2 = call.join('bob2', { store: bobStore, openSink: disk.open, sweepParts: noSweep });
    const b2 = watch(bob2);
    await bob2.restore();
    expect(b2.receivers[0]!.bytesReceived).toBe(0);
    await call.run(() => a.senders[0]!.isFinished && b2.receivers[0]!.isFinished);
    expect(await sameBytes(b2.completed[0]!, bytes)).toBe(true);
    expect(sent(call, 'file-resume').at(-1)!.message).toMatchObject({ from: 0 });
    expect(sent(call, 'file-accept')).toHaveLength(1);
    call.close();
  });

  it('the sender must choose the same file again: name and size, then the blocks the receiver holds', async () => {
    const bytes = randomBytes(5 * MiB + 7);
    const { call, aliceStore, b } = await startTransfer(bytes, 3.5 * MiB);
    const receiver = b.receivers[0]!;
    call.leave('alice');
    expect(receiver.status).toBe('paused');

    const alice2 = call.join('alice2', { store: aliceStore, sweepParts: noSweep });
    const a2 = watch(alice2);
    await alice2.restore();
    const sender = a2.senders[0]!;
    expect(sender).toMatchObject({ status: 'needs-file', name: 'movie.bin', size: bytes.byteLength });

    alice2.chooseFile(sender.id, new File([bytes.subarray(1)], 'movie.bin'));
    expect(a2.states.at(-1)).toEqual({ status: 'needs-file', note: 'wrong-file' });
    alice2.chooseFile(sender.id, new File([bytes], 'film.bin'));
    expect(a2.states.at(-1)).toEqual({ status: 'needs-file', note: 'wrong-file' });

    // Same name and size, other content: the receiver's blocks tell them apart.
    const edited = bytes.slice();
    edited[MiB + 5]! ^= 1;
    alice2.chooseFile(sender.id, new File([edited], 'movie.bin'));
    await call.run(() => a2.states.some((state) => state.note === 'different-file'));
    expect(sender.status).toBe('needs-file');
    expect(receiver.status).toBe('paused');
    expect(sent(call, 'file-rejoin')).toHaveLength(1);

    alice2.chooseFile(sender.id, new File([bytes], 'movie.bin'));
    await call.run(() => sender.isFinished && receiver.isFinished);
    expect([sender.status, receiver.status]).toEqual(['done', 'complete']);
    expect(receiver.peerId).toBe('alice2');
    expect(await sameBytes(b.completed[0]!, bytes)).toBe(true);
    expect(sent(call, 'file-accept')).toHaveLength(1);
    call.close();
  });

  it('a transfer cancelled while the other side was away is cancelled for it too when it comes back', async () => {
    const bytes = randomBytes(3 * MiB);
    const { call, aliceStore, disk, bobStore, b } = await startTransfer(bytes, 1.5 * MiB);
    call.leave('alice');
    b.receivers[0]!.cancel();
    await call.run(() => bobStore.records.size === 0 && disk.parts.size === 0, 10);
    expect([bobStore.records.size, disk.parts.size]).toEqual([0, 0]);

    const alice2 = call.join('alice2', { store: aliceStore, sweepParts: noSweep });
    const a2 = watch(alice2);
    await alice2.restore();
    alice2.chooseFile(a2.senders[0]!.id, new File([bytes], 'movie.bin'));
    await call.run(() => a2.senders[0]!.isFinished);
    expect(a2.states.at(-1)).toEqual({ status: 'cancelled', reason: 'cancelled', byPeer: true });
    expect(aliceStore.records.size).toBe(0);
    call.close();
  });
});

describe('start-up sweep', () => {
  it('drops records and parts past the resume window, keeps the rest, and takes back only this room', async () => {
    const call = new TestCall();
    const store = new MemoryTransferStore();
    const record = (id: string, room: string, updatedAt: number): StoredTransfer => ({
      ...{ direction: 'incoming', id, key: 'k'.repeat(22), room, peerId: 'alice_peer_id_123' },
      ...{ peerName: 'Alice', name: 'a.bin', size: 10, mime: '', blocks: 0, digests: '', storage: 'disk' },
      ...{ attempt: 0, updatedAt },
    });
    const now = 10 * RESUME_WINDOW_MS;
    await store.put(record('fresh_here', 'room', now - 1000));
    await store.put(record('fresh_elsewhere', 'other', now - 1000));
    await store.put(record('stale_here', 'room', now - RESUME_WINDOW_MS - 1));
    let keep: ((id: string) => boolean) | null = null;
    const page = call.join('bob', {
      store,
      wallClock: () => now,
      sweepParts: async (predicate) => void (keep = predicate),
      restoreSink: async () => null,
    });
    const seen = watch(page);
    await page.restore();
    expect(seen.receivers.map((receiver) => receiver.id)).toEqual(['fresh_here']);
    expect([...store.records.values()].map((r) => r.id).sort()).toEqual(['fresh_elsewhere', 'fresh_here']);
    expect(['fresh_here', 'fresh_elsewhere', 'stale_here', 'unknown_part'].map((id) => keep!(id))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    call.close();
  });
});

describe('dishonest peers', () => {
  /** Alice offers a file to Mallory, who speaks the protocol by hand. */
  async function offerToMallory(bytes: Uint8Array<ArrayBuffer>) {
    const call = new TestCall();
    const alice = call.join('alice', { sweepParts: noSweep });
    call.joinByHand('mallory');
    const a = watch(alice);
    const dropped: string[] = [];
    alice.events.on('dropped', ({ reason }) => dropped.push(reason));
    alice.send(new File([bytes], 'secret.bin'), [{ id: 'mallory', name: 'Mallory' }]);
    await call.run(() => sent(call, 'file-offer').length > 0);
    const offer = sent(call, 'file-offer')[0]!.message as { id: string; key: string };
    const resume = (fields: Partial<FileResumeMessage>) =>
      alice.handleMessage('mallory', {
        ...{ type: 'file-resume', id: offer.id, key: offer.key, from: 0, prefix: '0'.repeat(64) },
        ...{ attempt: 1, ...fields },
      } as FileResumeMessage);
    return { call, alice, a, offer, resume, dropped, sender: () => a.senders[0]! };
  }

  it('a receiver asking to resume past the end of the file is cut off, and gets no bytes', async () => {
    const bytes = randomBytes(3 * MiB);
    const { call, resume, sender } = await offerToMallory(bytes);
    resume({ from: blockCount(bytes.byteLength) + 1 });
    await call.run(() => sender().isFinished);
    expect(sender().status).toBe('failed');
    expect(sent(call, 'file-cancel').at(-1)!.message).toMatchObject({ reason: 'failed' });
    expect(call.channelsFrom('alice')).toHaveLength(0);
    call.close();
  });

  it('a receiver claiming blocks it does not hold (a wrong prefix) gets nothing', async () => {
    const bytes = randomBytes(3 * MiB);
    const { call, resume, sender } = await offerToMallory(bytes);
    resume({ from: 2, prefix: await prefixOf(randomBytes(2 * MiB), 2) });
    await call.run(() => sender().isFinished);
    expect(sender().status).toBe('failed');
    expect(sent(call, 'file-cancel').at(-1)!.message).toMatchObject({ reason: 'corrupt' });
    expect(call.channelsFrom('alice')).toHaveLength(0);
    call.close();
  });

  it('a request without the transfer key is dropped; one with it and the right prefix gets only the rest', async () => {
    const bytes = randomBytes(3 * MiB + 10);
    const { call, resume, sender, dropped } = await offerToMallory(bytes);
    resume({ key: 'x'.repeat(22) });
    await call.run(() => dropped.length > 0);
    expect(dropped).toEqual(['file-resume with a wrong key']);
    expect(sender().status).toBe('offered');

    resume({ from: 2, prefix: await prefixOf(bytes, 2), attempt: 3 });
    await call.run(() => sender().status === 'verifying');
    const channel = call.channelsFrom('alice')[0]!;
    expect(channel.label).toBe(`file:${sender().id}:3`);
    expect(channel.sentBytes - (MiB + 10)).toBeGreaterThan(0);
    expect(channel.sentBytes - (MiB + 10)).toBeLessThan(200);
    // An older attempt replayed later is ignored.
    resume({ from: 0, prefix: await prefixOf(bytes, 0), attempt: 2 });
    await call.run(() => false, 10);
    expect(call.channelsFrom('alice')).toHaveLength(1);
    call.close();
  });

  it('a resume for a transfer nobody here knows is answered with a cancel', async () => {
    const call = new TestCall();
    const alice = call.join('alice', { sweepParts: noSweep });
    call.join('mallory', { sweepParts: noSweep });
    const id = 'forgotten_transfer';
    alice.handleMessage('mallory', {
      type: 'file-resume',
      id,
      key: 'k'.repeat(22),
      from: 0,
      prefix: '0'.repeat(64),
      attempt: 1,
    });
    await call.run(() => sent(call, 'file-cancel').length > 0);
    expect(sent(call, 'file-cancel')[0]).toMatchObject({
      from: 'alice',
      to: 'mallory',
      message: { id, reason: 'cancelled' },
    });
    call.close();
  });
});

/** A receiver driven by hand, as a dishonest sender would drive it. */
async function acceptedReceiver(size: number) {
  const control: PeerMessage[] = [];
  const disk = new FakeDisk(1);
  const link = {
    sendControl: (message: PeerMessage) => control.push(message),
    openChannel: () => {
      throw new Error('the receiver opens no channel');
    },
    maxMessageSize: () => 262_144,
  };
  const key = 'k'.repeat(22);
  const receiver = new FileReceiver({
    offer: { type: 'file-offer', id: 'transfer_1', name: 'x.bin', size, mime: '', sentAt: 1, key },
    peerId: 'mallory',
    link: () => link,
    openSink: disk.open,
    clock: new ManualClock(),
  });
  const completed: Blob[] = [];
  receiver.events.on('complete', ({ file }) => completed.push(file));
  const channel = (label: string) => {
    const [local, remote] = FakeChannel.pair(label);
    receiver.attachChannel(remote, Number(label.split(':')[2] ?? 0));
    local.open();
    return local;
  };
  return { receiver, control, completed, channel, key };
}

describe('receiving from a dishonest sender after a resume', () => {
  it('takes no channel for a transfer it never accepted, even with the key', async () => {
    const { receiver, control, channel, key } = await acceptedReceiver(2 * MiB);
    const rejoin = { type: 'file-rejoin', id: 'transfer_1', key } as const;
    expect(receiver.handleRejoin('mallory', rejoin, 'Mallory')).toBe(true);
    expect(receiver.status).toBe('offered');
    expect(channel('file:transfer_1:1').readyState).toBe('closed');
    expect(channel('file:transfer_1').readyState).toBe('closed');
    expect(control).toEqual([]);
  });

  it('takes only the channel of the attempt it asked for last', async () => {
    const { receiver, control, channel } = await acceptedReceiver(3 * MiB);
    await receiver.accept();
    const first = channel('file:transfer_1');
    first.send(randomBytes(MiB + 500).buffer);
    first.deliver();
    first.close();
    await until(() => control.some((m) => m.type === 'file-resume'));
    const request = control.find((m) => m.type === 'file-resume') as FileResumeMessage;
    expect(request).toMatchObject({ from: 1, attempt: 1 });
    expect(receiver.bytesReceived).toBe(MiB);
    expect(channel('file:transfer_1').readyState).toBe('closed');
    expect(channel('file:transfer_1:2').readyState).toBe('closed');
    expect(channel('file:transfer_1:1').readyState).toBe('open');
    expect(receiver.status).toBe('receiving');
  });

  it('a sender that goes on from the wrong block is caught by the file digest, and nothing is saved', async () => {
    const bytes = randomBytes(3 * MiB);
    const { receiver, control, completed, channel } = await acceptedReceiver(bytes.byteLength);
    await receiver.accept();
    const first = channel('file:transfer_1');
    first.send(bytes.slice(0, 1.5 * MiB).buffer);
    first.deliver();
    first.close();
    await until(() => control.some((m) => m.type === 'file-resume'));
    // Asked for block 1 on: it sends the file from its start instead, cut to the right length.
    const second = channel('file:transfer_1:1');
    second.send(bytes.slice(0, 2 * MiB).buffer);
    second.send(JSON.stringify({ type: 'file-end', id: 'transfer_1', sha256: await fileDigestHex(bytes) }));
    second.deliver();
    await until(() => receiver.isFinished);
    expect(receiver.status).toBe('failed');
    expect(control.at(-1)).toEqual({ type: 'file-result', id: 'transfer_1', ok: false });
    expect(completed).toHaveLength(0);
  });

  it('a sender that sends past the declared size after a resume is cut off', async () => {
    const bytes = randomBytes(2 * MiB);
    const { receiver, control, channel } = await acceptedReceiver(bytes.byteLength);
    await receiver.accept();
    const first = channel('file:transfer_1');
    first.send(bytes.slice(0, 1.2 * MiB).buffer);
    first.deliver();
    first.close();
    await until(() => control.some((m) => m.type === 'file-resume'));
    const second = channel('file:transfer_1:1');
    second.send(bytes.slice(0, 1.5 * MiB).buffer);
    second.deliver();
    await until(() => receiver.isFinished);
    expect(receiver.status).toBe('failed');
    expect(control.at(-1)).toEqual({ type: 'file-cancel', id: 'transfer_1', reason: 'too-large' });
    expect(receiver.bytesReceived).toBe(MiB);
  });
});
