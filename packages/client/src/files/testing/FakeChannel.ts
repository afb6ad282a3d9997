import type { ChannelData, TransferChannel } from '../channel.ts';

const sizeOf = (data: string | ArrayBuffer): number =>
  typeof data === 'string' ? new TextEncoder().encode(data).byteLength : data.byteLength;

/**
 * An in-memory RTCDataChannel end. What is sent waits in `queue` (counted in
 * `bufferedAmount`) until the test calls `deliver()`, so tests decide when the "network"
 * drains and can watch the sender's flow control.
 */
export class FakeChannel implements TransferChannel {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType: BinaryType = 'blob';
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: Event) => void) | null = null;
  onerror: ((event: RTCErrorEvent) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onbufferedamountlow: ((event: Event) => void) | null = null;
  peer: FakeChannel | null = null;
  queue: (string | ArrayBuffer)[] = [];
  /** Largest `bufferedAmount` ever reached. */
  peakBufferedAmount = 0;
  sentMessages = 0;
  sentBytes = 0;
  /** Messages sent as views (which the browser copies) rather than whole ArrayBuffers. */
  sentViews = 0;

  constructor(readonly label: string) {}

  /** Two connected ends, as the sender's `createDataChannel` and the receiver's `ondatachannel` see them. */
  static pair(label: string): [FakeChannel, FakeChannel] {
    const a = new FakeChannel(label);
    const b = new FakeChannel(label);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  send(sent: ChannelData): void {
    if (this.readyState !== 'open') throw new DOMException('not open', 'InvalidStateError');
    // As a browser does: a view's bytes are copied when it is sent, and arrive as an ArrayBuffer.
    const isView = ArrayBuffer.isView(sent);
    const data = isView ? sent.slice().buffer : sent;
    if (isView) this.sentViews += 1;
    this.queue.push(data);
    this.bufferedAmount += sizeOf(data);
    this.peakBufferedAmount = Math.max(this.peakBufferedAmount, this.bufferedAmount);
    this.sentMessages += 1;
    this.sentBytes += sizeOf(data);
  }

  open(): void {
    for (const end of [this, this.peer]) {
      if (!end || end.readyState !== 'connecting') continue;
      end.readyState = 'open';
      end.onopen?.(new Event('open'));
    }
  }

  /**
   * Hands the queued messages that fit in `maxBytes` to the other end, whole, firing
   * bufferedamountlow as a browser does.
   */
  deliver(maxBytes = Infinity): number {
    let delivered = 0;
    while (this.queue.length > 0 && this.readyState === 'open') {
      if (delivered + sizeOf(this.queue[0]!) > maxBytes) break;
      const data = this.queue.shift()!;
      const before = this.bufferedAmount;
      this.bufferedAmount -= sizeOf(data);
      delivered += sizeOf(data);
      this.peer?.onmessage?.(new MessageEvent('message', { data }));
      if (
        before > this.bufferedAmountLowThreshold &&
        this.bufferedAmount <= this.bufferedAmountLowThreshold
      ) {
        queueMicrotask(() => this.onbufferedamountlow?.(new Event('bufferedamountlow')));
      }
    }
    return delivered;
  }

  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.queue = [];
    this.bufferedAmount = 0;
    this.onclose?.(new Event('close'));
    const peer = this.peer;
    if (peer && peer.readyState !== 'closed') peer.close();
  }
}

/** Lets pending promises and microtasks (file reads, hashing, events) run. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Lets work run until `done()` holds (async digests take a few turns), or fails after `turns`. */
export async function until(done: () => boolean, turns = 2000): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (done()) return;
    await settle();
  }
  throw new Error('condition not reached');
}
