import { parsePeerMessage, type PeerMessage } from '@app/protocol';
import { ManualClock } from '../../testing/ManualClock.ts';
import { FileTransfers, type FileTransfersOptions } from '../FileTransfers.ts';
import { BlobSink } from '../sink.ts';
import { MemoryTransferStore } from '../store.ts';
import type { ChannelData } from '../channel.ts';
import type { SenderLink } from '../transfer.ts';
import { FakeChannel, settle } from './FakeChannel.ts';

interface Wire {
  from: string;
  to: string;
  channel: FakeChannel;
}

/**
 * A call as file transfer sees it: pages (one FileTransfers each) under PeerIds, joined by
 * fake chat and file channels. Control messages go through JSON and the protocol parser as
 * on the wire. A test can cut the connection between two pages (open file channels close,
 * messages in flight are lost), heal it, and make a page leave and come back under a new
 * PeerId with the storage it had (a reload).
 */
export class TestCall {
  readonly clock = new ManualClock();
  /** What each connection's SCTP transport reports. */
  maxMessageSize = 262_144;
  /** Rewrites what a page sends on a file channel (a dishonest or broken sender). */
  tamper: ((label: string, data: ChannelData) => ChannelData) | null = null;
  readonly wires: Wire[] = [];
  readonly controlLog: { from: string; to: string; message: PeerMessage }[] = [];
  readonly #pages = new Map<string, FileTransfers>();
  /** Peers a test speaks for by hand: the channels opened to each, held open. */
  readonly byHand = new Map<string, FakeChannel[]>();
  readonly #cut = new Set<string>();

  /** A page in the call under `peerId` (options: its storage, its store). */
  join(peerId: string, options: Partial<FileTransfersOptions> = {}): FileTransfers {
    const page = new FileTransfers({
      link: (to) => this.#link(peerId, to),
      nameOf: (id) => id,
      room: 'room',
      store: new MemoryTransferStore(),
      openSink: async () => new BlobSink(),
      clock: this.clock,
      ...options,
    });
    this.#pages.set(peerId, page);
    for (const other of this.#pages.keys()) if (other !== peerId) this.#pages.get(other)?.peerBack(peerId);
    return page;
  }

  /** A peer the test speaks for itself: what is sent to it is only logged, its channels stay open. */
  joinByHand(peerId: string): FakeChannel[] {
    const channels: FakeChannel[] = [];
    this.byHand.set(peerId, channels);
    return channels;
  }

  /** `peerId` leaves (a reload, a closed tab): its channels die, the others see it go. */
  leave(peerId: string): void {
    const page = this.#pages.get(peerId);
    this.#pages.delete(peerId);
    page?.close();
    for (const wire of this.wires) if (wire.from === peerId || wire.to === peerId) wire.channel.close();
    for (const other of this.#pages.values()) other.peerLeft(peerId);
  }

  /** The connection between `a` and `b` breaks: file channels close, messages are lost. */
  cut(a: string, b: string): void {
    this.#cut.add(pairKey(a, b));
    for (const wire of this.wires) if (pairKey(wire.from, wire.to) === pairKey(a, b)) wire.channel.close();
  }

  /** A new connection between `a` and `b` is up: each side hears the other is back. */
  heal(a: string, b: string): void {
    this.#cut.delete(pairKey(a, b));
    this.#pages.get(a)?.peerBack(b);
    this.#pages.get(b)?.peerBack(a);
  }

  channelsFrom(peerId: string): FakeChannel[] {
    return this.wires.filter((wire) => wire.from === peerId).map((wire) => wire.channel);
  }

  /** Lets everything run, draining every file channel fully each turn, until `done()` or a turn limit. */
  async run(done: () => boolean, turns = 5000): Promise<void> {
    for (let turn = 0; turn < turns && !done(); turn++) {
      await settle();
      for (const wire of this.wires) wire.channel.deliver();
    }
  }

  close(): void {
    for (const page of this.#pages.values()) page.close();
  }

  #link(from: string, to: string): SenderLink | null {
    if (!this.#pages.has(to) && !this.byHand.has(to)) return null;
    return {
      sendControl: (message) => {
        const text = JSON.stringify(message);
        if (this.#cut.has(pairKey(from, to))) return;
        queueMicrotask(() => {
          const parsed = parsePeerMessage(text);
          if (!parsed.ok) throw new Error(parsed.reason);
          if (this.#cut.has(pairKey(from, to))) return;
          this.controlLog.push({ from, to, message: parsed.value });
          this.#pages.get(to)?.handleMessage(from, parsed.value);
        });
      },
      openChannel: (label) => {
        const [local, remote] = FakeChannel.pair(label);
        const send = local.send.bind(local);
        local.send = (data) => send(this.tamper ? this.tamper(label, data) : data);
        this.wires.push({ from, to, channel: local });
        queueMicrotask(() => {
          if (this.#cut.has(pairKey(from, to))) {
            local.close();
            return;
          }
          this.#pages.get(to)?.handleChannel(from, remote);
          this.byHand.get(to)?.push(remote);
          local.open();
        });
        return local;
      },
      maxMessageSize: () => this.maxMessageSize,
    };
  }
}

const pairKey = (a: string, b: string): string => [a, b].sort().join('\n');

/** Two pages, Alice and Bob, as most tests need them. */
export function linkedTransfers(options: { maxMessageSize?: number } = {}) {
  const call = new TestCall();
  call.maxMessageSize = options.maxMessageSize ?? call.maxMessageSize;
  const alice = call.join('alice');
  const bob = call.join('bob');
  const aliceToBob = { id: 'bob', name: 'Bob' };
  return {
    call,
    alice,
    bob,
    aliceToBob,
    get channels() {
      return call.wires.map((wire) => wire.channel);
    },
    controlLog: call.controlLog,
    run: (done: () => boolean, turns?: number) => call.run(done, turns),
  };
}

export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
  }
  return bytes;
}
