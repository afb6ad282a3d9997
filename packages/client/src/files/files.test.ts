import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { PeerMessage } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/ManualClock.ts';
import { chunkSizeFor, MAX_QUEUED_BYTES, LOW_WATER_BYTES } from './channel.ts';
import { FileReceiver, type ReceiverStatus } from './FileReceiver.ts';
import { FileSender, type SenderStatus } from './FileSender.ts';
import { createFileDigest, fileDigestHex } from './hash.ts';
import type { TransferProgress } from './progress.ts';
import { sanitizeFileName } from './sanitize.ts';
import { BlobSink, type ReceiveSink } from './sink.ts';
import { FakeChannel, settle, until } from './testing/FakeChannel.ts';
import { linkedTransfers, randomBytes } from './testing/link.ts';

const MiB = 1024 * 1024;

function watch(transfers: ReturnType<typeof linkedTransfers>) {
  const seen = {
    sender: null as FileSender | null,
    receiver: null as FileReceiver | null,
    senderStatuses: [] as SenderStatus[],
    receiverStatuses: [] as ReceiverStatus[],
    senderProgress: [] as TransferProgress[],
    receiverProgress: [] as TransferProgress[],
    completed: [] as { file: Blob; name: string }[],
  };
  transfers.alice.events.on('outgoing', ({ sender }) => {
    seen.sender = sender;
    sender.events.on('status', ({ status }) => seen.senderStatuses.push(status));
    sender.events.on('progress', (p) => seen.senderProgress.push(p));
  });
  transfers.bob.events.on('incoming', ({ receiver }) => {
    seen.receiver = receiver;
    receiver.events.on('status', ({ status }) => seen.receiverStatuses.push(status));
    receiver.events.on('progress', (p) => seen.receiverProgress.push(p));
    receiver.events.on('complete', (c) => seen.completed.push(c));
  });
  return seen;
}

describe('chunk size', () => {
  it.each([
    [undefined, 64 * 1024],
    [0, 64 * 1024],
    [262_144, 262_144],
    [65_536, 65_536],
    [1_073_741_823, 256 * 1024],
    [Infinity, 256 * 1024],
    [4096, 16 * 1024],
  ])('maxMessageSize %s gives chunks of %i bytes', (max, expected) => {
    expect(chunkSizeFor(max)).toBe(expected);
  });
});

describe('file digest', () => {
  const MiB1 = 1024 * 1024;
  /** The protocol's definition, written out with a JavaScript SHA-256. */
  function reference(bytes: Uint8Array): string {
    const blocks: Uint8Array[] = [];
    for (let at = 0; at < bytes.byteLength; at += MiB1) blocks.push(sha256(bytes.subarray(at, at + MiB1)));
    const list = new Uint8Array(blocks.length * 32);
    blocks.forEach((digest, index) => list.set(digest, index * 32));
    return bytesToHex(sha256(list));
  }

  it('is SHA-256 of nothing for an empty file', async () => {
    expect(await fileDigestHex(new Uint8Array(0))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it.each([1, MiB1 - 1, MiB1, 2 * MiB1 + 5])('matches the definition for %i bytes', async (size) => {
    const bytes = randomBytes(size);
    expect(await fileDigestHex(bytes)).toBe(reference(bytes));
  });

  it('does not depend on how the bytes are cut into chunks', async () => {
    const bytes = randomBytes(3 * MiB1 + 777);
    const digest = createFileDigest();
    for (let at = 0, step = 1; at < bytes.byteLength; at += step, step = (step * 7 + 13) % 400_000 || 1) {
      digest.update(bytes.subarray(at, at + step));
    }
    expect(await digest.digestHex()).toBe(reference(bytes));
  });

  it('changes when one byte changes', async () => {
    const bytes = randomBytes(2 * MiB1);
    const before = await fileDigestHex(bytes);
    bytes[MiB1 + 3]! ^= 1;
    expect(await fileDigestHex(bytes)).not.toBe(before);
  });
});

describe('file names from peers', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\secret.txt', 'secret.txt'],
    ['.bashrc', 'bashrc'],
    ['...', 'file'],
    ['a\u0000b\u001fc.txt', 'abc.txt'],
    ['invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['what?.txt', 'what.txt'],
    ['name. ', 'name'],
  ])('%j becomes %j', (raw, safe) => {
    expect(sanitizeFileName(raw)).toBe(safe);
  });

  it('limits the length but keeps the extension', () => {
    const safe = sanitizeFileName(`${'x'.repeat(300)}.tar.gz`);
    expect(safe.length).toBeLessThanOrEqual(120);
    expect(safe.endsWith('.gz')).toBe(true);
  });
});

describe('file transfer over fake channels', () => {
  it('delivers a multi-chunk file whole, verified, with progress to 100% on both sides', async () => {
    const link = linkedTransfers();
    const seen = watch(link);
    const bytes = randomBytes(3 * MiB + 12_345);
    link.alice.send(new File([bytes], 'holiday.bin', { type: 'application/octet-stream' }), [
      link.aliceToBob,
    ]);
    await link.run(() => seen.receiver !== null);
    expect(seen.receiver!.name).toBe('holiday.bin');
    expect(seen.receiver!.size).toBe(bytes.byteLength);
    await seen.receiver!.accept();
    await link.run(() => seen.sender!.isFinished);

    expect(seen.senderStatuses.at(-1)).toBe('done');
    expect(seen.receiverStatuses.at(-1)).toBe('complete');
    expect(seen.completed).toHaveLength(1);
    const received = new Uint8Array(await seen.completed[0]!.file.arrayBuffer());
    expect(bytesToHex(sha256(received))).toBe(bytesToHex(sha256(bytes)));
    // 256 KiB chunks: 13 binary messages, then the JSON file-end.
    const channel = link.channels[0]!;
    expect(channel.label).toBe(`file:${seen.sender!.id}`);
    expect(channel.sentMessages).toBe(Math.ceil(bytes.byteLength / (256 * 1024)) + 1);
    expect(seen.senderProgress.at(-1)!.fraction).toBe(1);
    expect(seen.receiverProgress.at(-1)!.fraction).toBe(1);
    expect(seen.receiverProgress.at(-1)!.bytes).toBe(bytes.byteLength);
  });

  it('uses the chunk size the SCTP transport allows', async () => {
    const link = linkedTransfers({ maxMessageSize: 65_536 });
    const seen = watch(link);
    const bytes = randomBytes(300_000);
    link.alice.send(new File([bytes], 'a.bin'), [link.aliceToBob]);
    await link.run(() => seen.receiver !== null);
    await seen.receiver!.accept();
    await link.run(() => seen.sender!.isFinished);
    expect(seen.senderStatuses.at(-1)).toBe('done');
    expect(link.channels[0]!.sentMessages).toBe(Math.ceil(300_000 / 65_536) + 1);
  });

  it('sends an empty file', async () => {
    const link = linkedTransfers();
    const seen = watch(link);
    link.alice.send(new File([], 'empty.txt'), [link.aliceToBob]);
    await link.run(() => seen.receiver !== null);
    await seen.receiver!.accept();
    await link.run(() => seen.sender!.isFinished);
    expect(seen.receiverStatuses.at(-1)).toBe('complete');
    expect(seen.completed[0]!.file.size).toBe(0);
  });

  it('pauses above the queue bound and resumes on bufferedamountlow, never queuing over 1 MiB', async () => {
    const link = linkedTransfers();
    const seen = watch(link);
    const bytes = randomBytes(6 * MiB);
    link.alice.send(new File([bytes], 'big.bin'), [link.aliceToBob]);
    await link.run(() => seen.receiver !== null);
    await seen.receiver!.accept();
    for (let i = 0; i < 20; i++) await settle();

    const channel = link.channels[0]!;
    expect(channel.bufferedAmountLowThreshold).toBe(LOW_WATER_BYTES);
    // Nothing drained yet: the sender filled the queue to the bound and stopped.
    const queuedWhilePaused = channel.bufferedAmount;
    expect(queuedWhilePaused).toBeGreaterThan(MAX_QUEUED_BYTES - 256 * 1024);
    expect(queuedWhilePaused).toBeLessThanOrEqual(MAX_QUEUED_BYTES);
    for (let i = 0; i < 20; i++) await settle();
    expect(channel.bufferedAmount).toBe(queuedWhilePaused);
    const sentWhilePaused = channel.sentMessages;

    // Draining while still above the low-water mark does not wake it...
    const chunk = seen.sender!.chunkSize;
    const aboveLowWater = MAX_QUEUED_BYTES - LOW_WATER_BYTES - chunk;
    expect(channel.deliver(aboveLowWater)).toBe(aboveLowWater);
    expect(channel.bufferedAmount).toBeGreaterThan(LOW_WATER_BYTES);
    for (let i = 0; i < 10; i++) await settle();
    expect(channel.sentMessages).toBe(sentWhilePaused);
    // ...crossing it does.
    channel.deliver(chunk);
    expect(channel.bufferedAmount).toBeLessThanOrEqual(LOW_WATER_BYTES);
    for (let i = 0; i < 10; i++) await settle();
    expect(channel.sentMessages).toBeGreaterThan(sentWhilePaused);
    expect(channel.bufferedAmount).toBeLessThanOrEqual(MAX_QUEUED_BYTES);

    // Drain in small steps to the end: the bound holds throughout.
    for (let turn = 0; turn < 5000 && !seen.sender!.isFinished; turn++) {
      channel.deliver(300 * 1024);
      await settle();
    }
    expect(seen.senderStatuses.at(-1)).toBe('done');
    expect(channel.peakBufferedAmount).toBeLessThanOrEqual(MAX_QUEUED_BYTES);
    // A finished sender still reports the peak it saw (the benchmark reads it afterwards).
    expect(seen.sender!.peakBufferedAmount).toBe(channel.peakBufferedAmount);
    // Every chunk went as a view of the block read from the file, not a copy of it (send
    // copies anyway); only file-end is text.
    expect(channel.sentViews).toBe(channel.sentMessages - 1);
  });

  it('lets the receiver decline', async () => {
    const link = linkedTransfers();
    const seen = watch(link);
    link.alice.send(new File([randomBytes(10)], 'a.bin'), [link.aliceToBob]);
    await link.run(() => seen.receiver !== null);
    seen.receiver!.decline();
    await link.run(() => seen.sender!.isFinished);
    expect(seen.senderStatuses.at(-1)).toBe('declined');
    expect(link.channels).toHaveLength(0);
  });

  it('stops both sides when the receiver cancels mid-transfer, and offers nothing', async () => {
    const link = linkedTransfers();
    const seen = watch(link);
    link.alice.send(new File([randomBytes(4 * MiB)], 'a.bin'), [link.aliceToBob]);
    await link.run(() => seen.receiver !== null);
    await seen.receiver!.accept();
    await link.run(() => seen.receiver!.bytesReceived > MiB);
    seen.receiver!.cancel();
    // The canceller leaves the channel for the sender to close once it has read file-cancel,
    // so the close never overtakes the reason for it.
    expect(link.channels[0]!.readyState).toBe('open');
    await link.run(() => seen.sender!.isFinished);
    expect(seen.receiverStatuses.at(-1)).toBe('cancelled');
    expect(seen.senderStatuses.at(-1)).toBe('cancelled');
    expect(link.channels[0]!.readyState).toBe('closed');
    expect(seen.completed).toHaveLength(0);
    const sentAtCancel = link.channels[0]!.sentBytes;
    await link.run(() => false, 20);
    expect(link.channels[0]!.sentBytes).toBe(sentAtCancel);
  });

  it('stops both sides when the sender cancels mid-transfer, and offers nothing', async () => {
    const link = linkedTransfers();
    const seen = watch(link);
    link.alice.send(new File([randomBytes(4 * MiB)], 'a.bin'), [link.aliceToBob]);
    await link.run(() => seen.receiver !== null);
    await seen.receiver!.accept();
    await link.run(() => seen.receiver!.bytesReceived > MiB);
    seen.sender!.cancel();
    expect(link.channels[0]!.readyState).toBe('open');
    await link.run(() => seen.receiver!.isFinished);
    expect(link.channels[0]!.readyState).toBe('closed');
    expect(seen.senderStatuses.at(-1)).toBe('cancelled');
    expect(seen.receiverStatuses.at(-1)).toBe('cancelled');
    expect(seen.completed).toHaveLength(0);
    expect(seen.receiver!.bytesReceived).toBeLessThan(4 * MiB);
  });

  it('closes a file channel for a transfer nobody accepted', async () => {
    const link = linkedTransfers();
    const [, remote] = FakeChannel.pair('file:unasked_transfer');
    expect(link.bob.handleChannel('alice', remote)).toBe(true);
    expect(remote.readyState).toBe('closed');
    expect(link.bob.handleChannel('alice', new FakeChannel('chat'))).toBe(false);
  });

  it('drops an offer that fails the schema', async () => {
    const link = linkedTransfers();
    const dropped: string[] = [];
    link.bob.events.on('dropped', ({ reason }) => dropped.push(reason));
    let incoming = 0;
    link.bob.events.on('incoming', () => incoming++);
    const offer = {
      type: 'file-offer',
      id: 'offer_12345',
      name: 'a',
      size: -5,
      mime: '',
      sentAt: 1,
    } as const;
    link.bob.handleMessage('alice', offer as never);
    expect(incoming).toBe(0);
    expect(dropped).toEqual(['invalid offer']);
  });
});

/** A receiver fed by hand, as a dishonest sender would feed it. */
async function receiverFor(size: number, sink: ReceiveSink = new BlobSink()) {
  const control: unknown[] = [];
  const link = {
    sendControl: (message: PeerMessage) => control.push(message),
    openChannel: () => {
      throw new Error('the receiver opens no channel');
    },
    maxMessageSize: () => 262_144,
  };
  const receiver = new FileReceiver({
    offer: {
      type: 'file-offer',
      id: 'transfer_1',
      name: '../x.bin',
      size,
      mime: 'text/html;evil',
      sentAt: 1,
    },
    peerId: 'alice',
    link: () => link,
    openSink: async () => sink,
    clock: new ManualClock(),
  });
  const completed: Blob[] = [];
  receiver.events.on('complete', ({ file }) => completed.push(file));
  await receiver.accept();
  const [local, remote] = FakeChannel.pair('file:transfer_1');
  receiver.attachChannel(remote, 0);
  local.open();
  return { receiver, control, completed, channel: local };
}

describe('receiving from a dishonest sender', () => {
  it('sanitises what the offer says', async () => {
    const { receiver } = await receiverFor(10);
    expect(receiver.name).toBe('x.bin');
    expect(receiver.mime).toBe('application/octet-stream');
  });

  it('cuts off a sender that goes past the offered size', async () => {
    const { receiver, control, completed, channel } = await receiverFor(1000);
    channel.send(randomBytes(600).buffer);
    channel.send(randomBytes(600).buffer);
    channel.deliver();
    await until(() => receiver.isFinished);
    expect(receiver.status).toBe('failed');
    expect(receiver.bytesReceived).toBe(600);
    expect(control).toContainEqual({ type: 'file-cancel', id: 'transfer_1', reason: 'too-large' });
    expect(channel.readyState).toBe('closed');
    expect(completed).toHaveLength(0);
  });

  it('reports a wrong digest as corrupt and offers nothing', async () => {
    let discarded = false;
    const sink = new BlobSink();
    sink.discard = async () => void (discarded = true);
    const { receiver, control, completed, channel } = await receiverFor(1000, sink);
    channel.send(randomBytes(1000).buffer);
    channel.send(JSON.stringify({ type: 'file-end', id: 'transfer_1', sha256: 'ab'.repeat(32) }));
    channel.deliver();
    await until(() => receiver.isFinished);
    expect(receiver.status).toBe('failed');
    expect(control).toContainEqual({ type: 'file-result', id: 'transfer_1', ok: false });
    expect(completed).toHaveLength(0);
    expect(discarded).toBe(true);
  });

  it('reports a short file as corrupt even when the digest matches what was sent', async () => {
    const { receiver, control, completed, channel } = await receiverFor(1000);
    const bytes = randomBytes(999);
    channel.send(bytes.buffer);
    channel.send(JSON.stringify({ type: 'file-end', id: 'transfer_1', sha256: await fileDigestHex(bytes) }));
    channel.deliver();
    await until(() => receiver.isFinished);
    expect(receiver.status).toBe('failed');
    expect(control).toContainEqual({ type: 'file-result', id: 'transfer_1', ok: false });
    expect(completed).toHaveLength(0);
  });

  it('accepts the honest version of the same transfer', async () => {
    const { receiver, control, completed, channel } = await receiverFor(1000);
    const bytes = randomBytes(1000);
    channel.send(bytes.buffer);
    channel.send(JSON.stringify({ type: 'file-end', id: 'transfer_1', sha256: await fileDigestHex(bytes) }));
    channel.deliver();
    await until(() => receiver.isFinished);
    expect(receiver.status).toBe('complete');
    expect(control).toContainEqual({ type: 'file-result', id: 'transfer_1', ok: true });
    expect(completed).toHaveLength(1);
  });

  it('fails on garbage text on the file channel', async () => {
    const { receiver, control, channel } = await receiverFor(1000);
    channel.send('{"type":"chat"}');
    channel.deliver();
    await until(() => receiver.isFinished);
    expect(receiver.status).toBe('failed');
    expect(control).toContainEqual({ type: 'file-cancel', id: 'transfer_1', reason: 'failed' });
  });

  it('refuses a second channel for the same transfer', async () => {
    const { receiver } = await receiverFor(1000);
    const [, second] = FakeChannel.pair('file:transfer_1');
    receiver.attachChannel(second, 0);
    expect(second.readyState).toBe('closed');
  });
});
