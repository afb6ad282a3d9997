import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../testing/ManualClock.ts';
import { MeshTransport } from './MeshTransport.ts';
import { FakeMediaStream } from './testing/FakeMediaStream.ts';
import { FakePeerConnection } from './testing/FakePeerConnection.ts';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCCCCCCCCCCCC';

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function makeMesh(
  localTracks: () => { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } | null,
) {
  const clock = new ManualClock();
  const mesh = new MeshTransport({
    selfId: ALICE,
    iceServers: [],
    relayOnly: false,
    clock,
    localTracks,
    sendSignal: () => undefined,
    createPeerConnection: FakePeerConnection.factory,
  });
  return { clock, mesh };
}

const camera = { kind: 'video', id: 'camera' } as unknown as MediaStreamTrack;

beforeEach(() => {
  FakePeerConnection.instances = [];
  vi.stubGlobal('MediaStream', FakeMediaStream);
});

afterEach(() => vi.unstubAllGlobals());

describe('MeshTransport', () => {
  it('retiring, stops sending at once and keeps only connections a file transfer still uses', async () => {
    const { clock, mesh } = makeMesh(() => ({ audio: null, video: camera }));
    mesh.connect({ id: BOB, name: 'Bob' }, true);
    mesh.connect({ id: CAROL, name: 'Carol' }, true);
    const [toBob, toCarol] = FakePeerConnection.instances as [FakePeerConnection, FakePeerConnection];
    const transfer = mesh.link(BOB)!.openChannel('file:abcdefgh12') as unknown as { close(): void };
    let isDone = false;
    mesh.retire(() => (isDone = true));
    await settle();
    expect([toBob.isClosed, toCarol.isClosed, isDone]).toEqual([false, true, false]);
    expect(toBob.transceivers[1]!.sender.track).toBeNull();
    mesh.setLocalTracks({ audio: null, video: camera });
    await settle();
    expect(toBob.transceivers[1]!.sender.track).toBeNull();
    clock.advance(1000);
    expect(toBob.isClosed).toBe(false);
    transfer.close();
    clock.advance(1000);
    expect([toBob.isClosed, isDone, clock.pending]).toEqual([true, true, 0]);
  });

  it('with no tracks to send, makes data-only links', () => {
    const { mesh } = makeMesh(() => null);
    mesh.connect({ id: BOB, name: 'Bob' }, true);
    const pc = FakePeerConnection.instances[0]!;
    expect(pc.transceivers).toHaveLength(0);
    expect(pc.channels.map((c) => c.label)).toEqual(['chat']);
    mesh.close();
  });
});
