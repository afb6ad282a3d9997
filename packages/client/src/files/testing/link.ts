import { parsePeerMessage, type PeerMessage } from '@app/protocol';
import { FileTransfers, type TransferPeer } from '../FileTransfers.ts';
import { BlobSink } from '../sink.ts';
import { FakeChannel, settle } from './FakeChannel.ts';

/**
 * Two pages' FileTransfers joined by fake chat and file channels. Control messages go
 * through JSON and the protocol parser like on the wire; file channels are FakeChannels
 * that the test drains with `run()` or by hand.
 */
export function linkedTransfers(options: { maxMessageSize?: number; now?: () => number } = {}) {
  const alice = new FileTransfers({
    openSink: async () => new BlobSink(),
    now: options.now,
    channelLostGraceMs: 20,
  });
  const bob = new FileTransfers({
    openSink: async () => new BlobSink(),
    now: options.now,
    channelLostGraceMs: 20,
  });
  const channels: FakeChannel[] = [];
  const controlLog: { from: string; message: PeerMessage }[] = [];

  const peer = (fromId: string, toId: string, to: FileTransfers): TransferPeer => {
    const link: TransferPeer = {
      id: toId,
      name: toId,
      sendControl: (message) => {
        const text = JSON.stringify(message);
        queueMicrotask(() => {
          const parsed = parsePeerMessage(text);
          if (!parsed.ok) throw new Error(parsed.reason);
          controlLog.push({ from: fromId, message: parsed.value });
          to.handleMessage(backLinks.get(`${toId}->${fromId}`)!, parsed.value);
        });
      },
      openChannel: (label) => {
        const [local, remote] = FakeChannel.pair(label);
        channels.push(local);
        queueMicrotask(() => {
          to.handleChannel(fromId, remote);
          local.open();
        });
        return local;
      },
      maxMessageSize: () => options.maxMessageSize ?? 262_144,
    };
    return link;
  };
  const backLinks = new Map<string, TransferPeer>();
  const aliceToBob = peer('alice', 'bob', bob);
  const bobToAlice = peer('bob', 'alice', alice);
  // handleMessage receives the link back to the message's sender, as the call does.
  backLinks.set('bob->alice', bobToAlice);
  backLinks.set('alice->bob', aliceToBob);

  /** Lets everything run, draining every file channel fully each turn, until `done()` or a turn limit. */
  async function run(done: () => boolean, turns = 5000): Promise<void> {
    for (let turn = 0; turn < turns && !done(); turn++) {
      await settle();
      for (const channel of channels) channel.deliver();
    }
  }

  return { alice, bob, aliceToBob, bobToAlice, channels, controlLog, run };
}

export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
  }
  return bytes;
}
