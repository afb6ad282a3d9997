import type { PeerMessage } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import type { CallEvents } from '../call/CallTypes.ts';
import { Emitter } from '../events.ts';
import { FakeChannel, until } from '../files/testing/FakeChannel.ts';
import { photoMessages } from '../photo/codec.ts';
import { Sharing, type SharedPhoto, type SharingCall } from './Sharing.ts';

/** The parts of a call sharing uses, with one other person (Alice, `p1`) in it. */
function fakeCall() {
  const events = new Emitter<CallEvents>();
  const sent: PeerMessage[] = [];
  const channels: FakeChannel[] = [];
  const participants = [{ id: 'p1', name: 'Alice' }];
  const call = {
    participants,
    link: (id: string) =>
      participants.some((p) => p.id === id)
        ? {
            sendControl: (message: PeerMessage) => sent.push(message),
            openChannel: (label: string) => {
              const channel = new FakeChannel(label);
              channels.push(channel);
              return channel;
            },
            maxMessageSize: () => 262_144,
          }
        : null,
    broadcast: (message: PeerMessage) => sent.push(message),
    on: events.on.bind(events),
  } as unknown as SharingCall;
  const peerMessage = (peerId: string, message: PeerMessage) =>
    events.emit('peer-message', { peerId, message });
  return { call, events, sent, channels, participants, peerMessage };
}

describe('sharing in a call', () => {
  it('shows a photo from a peer in the chat log under their name, once it decodes', async () => {
    const fake = fakeCall();
    const sharing = new Sharing(fake.call, {
      decodeImage: async () => ({ width: 4, height: 3, close: () => undefined }),
    });
    const photos: SharedPhoto[] = [];
    sharing.events.on('photo', (photo) => photos.push(photo));
    const jpeg = new Uint8Array(500);
    jpeg.set([0xff, 0xd8, 0xff]);
    const meta = { id: 'photo_123456', mime: 'image/jpeg', width: 4, height: 3, sentAt: 5 } as const;
    for (const message of photoMessages(jpeg, meta)) fake.peerMessage('p1', message);
    await until(() => photos.length > 0);
    expect(photos[0]).toMatchObject({ peerId: 'p1', id: 'photo_123456', width: 4, height: 3 });
    sharing.close();
  });

  it('lists an offered file and accepts it on the sender’s chat channel', async () => {
    const fake = fakeCall();
    const sharing = new Sharing(fake.call);
    fake.peerMessage('p1', {
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
      peerId: 'p1',
      status: 'offered',
    });
    sharing.accept(sharing.transfers[0]!.key);
    await until(() => fake.sent.some((m) => m.type === 'file-accept'));
    expect(sharing.transfers[0]!.status).toBe('accepted');
    sharing.close();
  });

  it('offers a chosen file to the one other person, and fails it when they leave', () => {
    const fake = fakeCall();
    const sharing = new Sharing(fake.call);
    sharing.sendFiles([new File(['hello'], 'hello.txt')]);
    expect(fake.sent[0]).toMatchObject({ type: 'file-offer', name: 'hello.txt', size: 5 });
    expect(sharing.transfers[0]).toMatchObject({ direction: 'outgoing', status: 'offered' });
    fake.events.emit('participant-removed', { id: 'p1' } as CallEvents['participant-removed']);
    expect(sharing.transfers[0]!.status).toBe('failed');
    sharing.close();
  });

  it('says so when nobody is there to receive a file', () => {
    const fake = fakeCall();
    const sharing = new Sharing(fake.call);
    const problems: string[] = [];
    sharing.events.on('problem', (problem) => problems.push(problem));
    fake.participants.length = 0;
    sharing.sendFiles([new File(['x'], 'x.txt')]);
    expect(problems).toEqual(['nobody-here']);
    expect(sharing.transfers).toHaveLength(0);
    sharing.close();
  });

  it('asks for the camera before taking a photo', async () => {
    const fake = fakeCall();
    const sharing = new Sharing(fake.call);
    const problems: string[] = [];
    sharing.events.on('problem', (problem) => problems.push(problem));
    await sharing.takePhoto(null);
    expect(problems).toEqual(['camera-off']);
    expect(fake.sent).toHaveLength(0);
    sharing.close();
  });
});
