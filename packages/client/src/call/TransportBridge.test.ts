import type { PeerId } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { Emitter } from '../events.ts';
import type { MediaTransport, TransportEvents } from '../rtc/MediaTransport.ts';
import { ManualClock } from '../testing/ManualClock.ts';
import { Roster } from './Roster.ts';
import { TransportBridge } from './TransportBridge.ts';

const ANN: PeerId = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The part of a transport the bridge listens to, and the code it reads (counted). */
function setUp() {
  const events = new Emitter<TransportEvents>();
  let reads = 0;
  const transport = {
    on: events.on.bind(events),
    sendTo: () => {},
    verificationCode: async () => {
      reads += 1;
      return `code-${reads}`;
    },
  } as unknown as MediaTransport;
  const roster = new Roster();
  roster.add({ id: ANN, name: 'Ann' });
  new TransportBridge({
    transport,
    roster,
    clock: new ManualClock(),
    ownStatus: () => ({ type: 'status', isMicOn: true, isCameraOn: true, isSharingScreen: false }),
    onMessage: () => {},
  });
  return { events, roster, reads: () => reads };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('TransportBridge', () => {
  it('reads the verification code once the connection is up, not when the first negotiation ends before it', async () => {
    const { events, roster, reads } = setUp();
    events.emit('connection-state', { peerId: ANN, state: 'connecting' });
    events.emit('negotiated', { peerId: ANN });
    await settle();
    expect(reads()).toBe(0);
    expect(roster.get(ANN)?.verificationCode).toBeNull();

    events.emit('connection-state', { peerId: ANN, state: 'connected' });
    await settle();
    expect(reads()).toBe(1);
    expect(roster.get(ANN)?.verificationCode).toBe('code-1');

    // Renegotiated while connected (a switch of path): read again at once.
    events.emit('negotiated', { peerId: ANN });
    await settle();
    expect(roster.get(ANN)?.verificationCode).toBe('code-2');
  });
});
