/**
 * Browser side of bench/file-transfer.mjs: one peer connection to another page, the
 * product's chat channel (negotiated, id 0) and FileTransfers from apps/web, plus a raw
 * data-channel blast as the baseline. Node relays the SDP and drives it through
 * `window.bench`.
 */
import { parsePeerMessage, type PeerMessage } from '@app/protocol';
import { FileTransfers, type TransferPeer } from '../../packages/client/src/files/FileTransfers.ts';
import type { FileSender } from '../../packages/client/src/files/FileSender.ts';

const RAW_CHUNK = 256 * 1024;
/** The raw blast keeps a deep queue (Chromium closes a channel past 16 MiB). */
const RAW_HIGH_WATER = 8 * 1024 * 1024;

interface Memory {
  usedJSHeapSize: number;
}
const heap = () => (performance as unknown as { memory?: Memory }).memory?.usedJSHeapSize ?? 0;

const pc = new RTCPeerConnection();
const chat = pc.createDataChannel('chat', { negotiated: true, id: 0, ordered: true });
const link = {
  sendControl: (message: PeerMessage) => chat.send(JSON.stringify(message)),
  openChannel: (label: string) => pc.createDataChannel(label, { ordered: true }),
  maxMessageSize: () => pc.sctp?.maxMessageSize,
};
const transfers = new FileTransfers({ link: () => link });
const peer: TransferPeer = { id: 'remote', name: 'remote' };
chat.onmessage = (event) => {
  const parsed = parsePeerMessage(String(event.data));
  if (parsed.ok) transfers.handleMessage(peer.id, parsed.value);
};
const rawChannels: RTCDataChannel[] = [];
pc.ondatachannel = ({ channel }) => {
  if (transfers.handleChannel('remote', channel)) return;
  if (channel.label.startsWith('raw')) rawChannels.push(channel);
};

async function gathered(): Promise<RTCSessionDescriptionInit> {
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) =>
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()),
    );
  }
  return pc.localDescription!.toJSON();
}

function opened(channel: RTCDataChannel): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => channel.addEventListener('open', () => resolve(), { once: true }));
}

function randomFile(size: number): File {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let offset = 0; offset < size; offset += 1024 * 1024) {
    const part = new Uint8Array(Math.min(1024 * 1024, size - offset));
    for (let i = 0; i < part.length; i += 65536) crypto.getRandomValues(part.subarray(i, i + 65536));
    parts.push(part);
  }
  return new File(parts, 'bench.bin', { type: 'application/octet-stream' });
}

/** Samples the JS heap while `work` runs; returns its peak. */
async function peakHeapDuring<T>(
  work: Promise<T>,
): Promise<{ result: T; peakHeap: number; heapBefore: number }> {
  const heapBefore = heap();
  let peakHeap = heapBefore;
  const timer = setInterval(() => (peakHeap = Math.max(peakHeap, heap())), 25);
  try {
    const result = await work;
    return { result, peakHeap: Math.max(peakHeap, heap()), heapBefore };
  } finally {
    clearInterval(timer);
  }
}

let lastSender: FileSender | null = null;

const bench = {
  async offer(): Promise<RTCSessionDescriptionInit> {
    await pc.setLocalDescription(await pc.createOffer());
    return gathered();
  },
  async answer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
    return gathered();
  },
  async accept(answer: RTCSessionDescriptionInit): Promise<void> {
    await pc.setRemoteDescription(answer);
  },
  async ready(): Promise<number> {
    await opened(chat);
    return pc.sctp?.maxMessageSize ?? 0;
  },

  /** Sender: offers a file of `size` random bytes through the product code. */
  async sendFile(size: number): Promise<void> {
    const file = randomFile(size);
    [lastSender] = transfers.send(file, [peer]);
  },
  senderFigures() {
    return { peakBufferedAmount: lastSender?.peakBufferedAmount ?? 0, chunkSize: lastSender?.chunkSize ?? 0 };
  },
  /** Receiver: accepts the next offer; resolves with timings once the file is verified. */
  async receiveFile(): Promise<{
    ms: number;
    bytes: number;
    peakHeap: number;
    heapBefore: number;
    status: string;
  }> {
    const work = new Promise<{ ms: number; bytes: number; status: string }>((resolve) => {
      const off = transfers.events.on('incoming', ({ receiver }) => {
        off();
        const started = performance.now();
        receiver.events.on('status', ({ status }) => {
          if (!receiver.isFinished) return;
          resolve({ ms: performance.now() - started, bytes: receiver.bytesReceived, status });
        });
        void receiver.accept();
      });
    });
    const { result, peakHeap, heapBefore } = await peakHeapDuring(work);
    return { ...result, peakHeap, heapBefore };
  },

  /** Sender of the baseline: `size` bytes in 256 KiB messages, as fast as the queue allows. */
  async blast(size: number): Promise<{ peakBufferedAmount: number }> {
    const channel = pc.createDataChannel(`raw:${Math.random()}`, { ordered: true });
    channel.bufferedAmountLowThreshold = RAW_HIGH_WATER / 2;
    await opened(channel);
    const chunk = new Uint8Array(RAW_CHUNK);
    crypto.getRandomValues(chunk.subarray(0, 65536));
    let sent = 0;
    let peakBufferedAmount = 0;
    while (sent < size) {
      while (channel.bufferedAmount + RAW_CHUNK > RAW_HIGH_WATER) {
        await new Promise((resolve) =>
          channel.addEventListener('bufferedamountlow', resolve, { once: true }),
        );
      }
      const length = Math.min(RAW_CHUNK, size - sent);
      channel.send(length === RAW_CHUNK ? chunk : chunk.subarray(0, length));
      sent += length;
      peakBufferedAmount = Math.max(peakBufferedAmount, channel.bufferedAmount);
    }
    return { peakBufferedAmount };
  },
  /** Receiver of the baseline: counts bytes from the first message to the last. */
  async sink(size: number): Promise<{ ms: number; bytes: number; peakHeap: number; heapBefore: number }> {
    const work = new Promise<{ ms: number; bytes: number }>((resolve) => {
      const attach = (channel: RTCDataChannel) => {
        channel.binaryType = 'arraybuffer';
        let bytes = 0;
        let started = 0;
        channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
          if (bytes === 0) started = performance.now();
          bytes += event.data.byteLength;
          if (bytes >= size) resolve({ ms: performance.now() - started, bytes });
        };
      };
      const waiting = rawChannels.shift();
      if (waiting) attach(waiting);
      else {
        const previous = pc.ondatachannel;
        pc.ondatachannel = (event) => {
          if (event.channel.label.startsWith('raw')) attach(event.channel);
          else previous?.call(pc, event);
        };
      }
    });
    const { result, peakHeap, heapBefore } = await peakHeapDuring(work);
    return { ...result, peakHeap, heapBefore };
  },
  /** Where the receiver kept the file: 'opfs' when it streamed to disk. */
  async opfsEntries(): Promise<number> {
    try {
      const root = await navigator.storage.getDirectory();
      const directory = await root.getDirectoryHandle('incoming-files');
      let count = 0;
      for await (const _ of directory as unknown as AsyncIterable<unknown>) count++;
      return count;
    } catch {
      return 0;
    }
  },
  heap,
};

(window as unknown as { bench: typeof bench }).bench = bench;
