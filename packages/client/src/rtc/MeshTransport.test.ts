import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../testing/ManualClock.ts';
import { MeshTransport } from './MeshTransport.ts';
import { SpareConnection } from './SpareConnection.ts';
import { FakeMediaStream } from './testing/FakeMediaStream.ts';
import { FakePeerConnection } from './testing/FakePeerConnection.ts';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCCCCCCCCCCCC';

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function makeMesh(
  localTracks: () => { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } | null,
  spare?: SpareConnection,
) {
  const clock = new ManualClock();
  const mesh = new MeshTransport({
    selfId: ALICE,
    iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'c' }],
    relayOnly: true,
    clock,
    localTracks,
    sendSignal: () => undefined,
    createPeerConnection: FakePeerConnection.factory,
    takeSpare: spare && ((config) => spare.take(config)),
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

  it('the first connection we start takes the spare: its transceivers carry our media, with our ICE servers', async () => {
    const spare = new SpareConnection(FakePeerConnection.factory);
    await spare.prepare();
    const [made] = FakePeerConnection.instances as [FakePeerConnection];
    expect(made.transceivers.map((t) => t.kind)).toEqual(['audio', 'video']);
    // Warm, but nothing applied: nothing is gathered before it is used.
    expect(made.localDescription).toBeNull();
    const { mesh } = makeMesh(() => ({ audio: null, video: camera }), spare);
    // Someone who offers to us: the spare's transceivers would be extra m-lines in our answer.
    mesh.handleSignal(CAROL, { description: { type: 'offer', sdp: 'v=0\r\n' } });
    expect(FakePeerConnection.instances).toHaveLength(2);
    mesh.connect({ id: BOB, name: 'Bob' }, true);
    expect(FakePeerConnection.instances).toHaveLength(2);
    expect(made.config.iceTransportPolicy).toBe('relay');
    expect(made.config.iceServers?.[0]?.urls).toBe('turn:127.0.0.1:3478');
    await settle();
    // The offer has the spare's two transceivers (no third), the camera on the video one, and chat.
    expect(made.transceivers.map((t) => t.kind)).toEqual(['audio', 'video']);
    expect(made.transceivers[1]!.sender.track).toBe(camera);
    expect(made.localDescription?.type).toBe('offer');
    expect(made.channels.map((c) => c.label)).toEqual(['chat']);
    // Taken once: the next connection is made afresh.
    mesh.connect({ id: 'DDDDDDDDDDDDDDDDDDDDDD', name: 'Dee' }, true);
    expect(FakePeerConnection.instances).toHaveLength(3);
    mesh.close();
  });

  it('a spare that cannot take the configuration is closed, and the connection made afresh', async () => {
    const spare = new SpareConnection((config) =>
      FakePeerConnection.factory({ ...config, bundlePolicy: 'balanced' }),
    );
    await spare.prepare();
    const { mesh } = makeMesh(() => ({ audio: null, video: camera }), spare);
    mesh.connect({ id: BOB, name: 'Bob' }, true);
    const [refused, made] = FakePeerConnection.instances as [FakePeerConnection, FakePeerConnection];
    expect([refused.isClosed, made.isClosed]).toEqual([true, false]);
    mesh.close();
  });

  it('a spare the browser will not finish is closed, never kept', async () => {
    const spare = new SpareConnection((config) => {
      const pc = FakePeerConnection.factory(config) as unknown as FakePeerConnection;
      pc.addTransceiver = () => {
        throw new DOMException('no video here', 'NotSupportedError');
      };
      return pc as unknown as RTCPeerConnection;
    });
    await spare.prepare();
    expect(FakePeerConnection.instances[0]!.isClosed).toBe(true);
    expect(spare.take({})).toBeNull();
  });
});
