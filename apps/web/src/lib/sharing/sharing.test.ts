import type { PeerMessage } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { Emitter } from '../events.ts';
import { FakeChannel, until } from '../files/testing/FakeChannel.ts';
import { photoMessages } from '../photo/codec.ts';
import type { ChatEntry } from '../state/chat.svelte.ts';
import { CallSharing, type SharingCall } from './sharing.svelte.ts';

type CallEvents = {
  'peer-message': (peerId: string, message: PeerMessage) => void;
  datachannel: (peerId: string, channel: RTCDataChannel) => void;
  'session-added': (peerId: string, session: unknown) => void;
  'session-removed': (peerId: string) => void;
};

/** The parts of a call sharing uses, with one other person (Alice, `p1`) in it. */
function fakeCall() {
  const events = new Emitter<CallEvents>();
  const sent: PeerMessage[] = [];
  const channels: FakeChannel[] = [];
  const entries: ChatEntry[] = [];
  const screen: { isSharing: boolean; track: MediaStreamTrack | null }[] = [];
  const features: Record<string, () => unknown> = {};
  const session = {
    send: (message: PeerMessage) => sent.push(message),
    createDataChannel: (label: string) => {
      const channel = new FakeChannel(label);
      channels.push(channel);
      return channel;
    },
    peerConnection: { sctp: { maxMessageSize: 262_144 } },
  };
  const call = {
    name: 'Me',
    participants: [{ id: 'p1', name: 'Alice' }],
    sessions: new Map([['p1', session]]),
    chat: { add: (entry: ChatEntry) => entries.push(entry) },
    media: { previewStream: null, isCameraOn: true },
    on: <K extends keyof CallEvents>(event: K, listener: CallEvents[K]) => events.on(event, listener),
    registerFeatures: (f: Record<string, () => unknown>) => Object.assign(features, f),
    setSharingScreen: (isSharing: boolean, track: MediaStreamTrack | null = null) =>
      screen.push({ isSharing, track }),
    participantName: (id: string) => (id === 'p1' ? 'Alice' : 'Someone'),
    broadcast: () => undefined,
  } as unknown as SharingCall;
  return { call, events, sent, channels, entries, screen, features };
}

describe('sharing in a call', () => {
  it('shows a photo from a peer in the chat log under their name, once it decodes', async () => {
    const fake = fakeCall();
    const sharing = new CallSharing(fake.call, {
      decodeImage: async () => ({ width: 4, height: 3, close: () => undefined }),
    });
    const jpeg = new Uint8Array(500);
    jpeg.set([0xff, 0xd8, 0xff]);
    const meta = { id: 'photo_123456', mime: 'image/jpeg', width: 4, height: 3, sentAt: 5 } as const;
    for (const message of photoMessages(jpeg, meta)) fake.events.emit('peer-message', 'p1', message);
    await until(() => fake.entries.length > 0);
    expect(fake.entries[0]).toMatchObject({ kind: 'photo', senderName: 'Alice', isOwn: false, width: 4 });
    sharing.close();
  });

  it('lists an offered file and accepts it on the sender’s chat channel', async () => {
    const fake = fakeCall();
    const sharing = new CallSharing(fake.call);
    fake.events.emit('peer-message', 'p1', {
      type: 'file-offer',
      id: 'offer_12345',
      name: 'plan.pdf',
      size: 10,
      mime: 'application/pdf',
      sentAt: 1,
    });
    expect(sharing.transfers).toHaveLength(1);
    expect(sharing.transfers[0]).toMatchObject({
      direction: 'incoming',
      peerName: 'Alice',
      status: 'offered',
    });
    sharing.accept(sharing.transfers[0]!.key);
    await until(() => fake.sent.some((m) => m.type === 'file-accept'));
    expect(sharing.transfers[0]!.status).toBe('accepted');
    sharing.close();
  });

  it('offers a chosen file to the one other person, and fails it when they leave', () => {
    const fake = fakeCall();
    const sharing = new CallSharing(fake.call);
    sharing.sendFiles([new File(['hello'], 'hello.txt')]);
    expect(fake.sent[0]).toMatchObject({ type: 'file-offer', name: 'hello.txt', size: 5 });
    expect(sharing.transfers[0]).toMatchObject({ direction: 'outgoing', status: 'offered' });
    fake.events.emit('session-removed', 'p1');
    expect(sharing.transfers[0]!.status).toBe('failed');
    sharing.close();
  });

  it('asks whom to send to only when more than one other person is in the call', () => {
    const fake = fakeCall();
    const sharing = new CallSharing(fake.call);
    let opened = 0;
    sharing.setFileChooser(() => opened++);
    void fake.features.sendFile!();
    expect(opened).toBe(1);
    expect(sharing.isChoosingRecipient).toBe(false);
    (fake.call.participants as { id: string; name: string }[]).push({ id: 'p2', name: 'Bob' });
    void fake.features.sendFile!();
    expect(sharing.isChoosingRecipient).toBe(true);
    sharing.chooseFilesFor(null);
    expect(opened).toBe(2);
    sharing.close();
  });

  it('routes the screen through the call and back', async () => {
    const fake = fakeCall();
    const track = Object.assign(new EventTarget(), { contentHint: '', stop: () => undefined });
    const stream = { getVideoTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
    const sharing = new CallSharing(fake.call, { getDisplayMedia: async () => stream });
    await fake.features.shareScreen!();
    expect(sharing.isSharingScreen).toBe(true);
    expect(fake.screen.at(-1)).toEqual({ isSharing: true, track });
    await fake.features.shareScreen!();
    expect(sharing.isSharingScreen).toBe(false);
    expect(fake.screen.at(-1)).toEqual({ isSharing: false, track: null });
    sharing.close();
  });
});
