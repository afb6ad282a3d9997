import type { PeerId } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../testing/ManualClock.ts';
import type { VideoLayer, ViewHints } from '../MediaTransport.ts';
import { readDownlink } from './downlink.ts';
import { layerForTile, LayerPolicy } from './LayerPolicy.ts';

const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCCCCCCCCCCCC';
const DAN = 'DDDDDDDDDDDDDDDDDDDDDD';

function makePolicy() {
  const clock = new ManualClock();
  const sent: { peer: PeerId; layer: VideoLayer }[][] = [];
  const policy = new LayerPolicy({ clock, send: (layers) => sent.push(layers) });
  const view = (widths: Record<string, number>, extra: Partial<ViewHints> = {}): ViewHints => ({
    tiles: new Map(Object.entries(widths).map(([id, width]) => [id, { width, height: (width * 9) / 16 }])),
    speaker: null,
    pinned: null,
    ...extra,
  });
  const layers = () => Object.fromEntries(policy.layers);
  return { clock, sent, policy, view, layers };
}

describe('LayerPolicy', () => {
  it('gives small tiles the low layer, middling ones the medium, wide ones the high', () => {
    expect([layerForTile(0), layerForTile(240), layerForTile(400), layerForTile(900)]).toEqual([0, 0, 1, 2]);
    const { policy, layers } = makePolicy();
    policy.setPeople([BOB, CAROL, DAN]);
    expect(layers()).toEqual({ [BOB]: 0, [CAROL]: 0, [DAN]: 0 });
  });

  it('gives the active speaker and a full-screen tile the high layer whatever their size', () => {
    const { policy, view, layers, clock } = makePolicy();
    policy.setPeople([BOB, CAROL, DAN]);
    clock.advance(1000);
    policy.setView(view({ [BOB]: 200, [CAROL]: 200, [DAN]: 400 }, { speaker: BOB, pinned: CAROL }));
    expect(layers()).toEqual({ [BOB]: 2, [CAROL]: 2, [DAN]: 1 });
  });

  it('sends only what changed, at most once a second, the latest state at the end of the wait', () => {
    const { policy, view, sent, clock } = makePolicy();
    policy.setPeople([BOB, CAROL]);
    expect(sent).toEqual([
      [
        { peer: BOB, layer: 0 },
        { peer: CAROL, layer: 0 },
      ],
    ]);
    policy.setView(view({ [BOB]: 200, [CAROL]: 200 }, { speaker: BOB }));
    policy.setView(view({ [BOB]: 200, [CAROL]: 200 }, { speaker: CAROL }));
    clock.advance(999);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent[1]).toEqual([{ peer: CAROL, layer: 2 }]);
    // A change undone inside the wait sends nothing at all.
    policy.setView(view({ [BOB]: 200, [CAROL]: 200 }, { speaker: BOB }));
    policy.setView(view({ [BOB]: 200, [CAROL]: 200 }, { speaker: CAROL }));
    clock.advance(5000);
    expect(sent).toHaveLength(2);
    policy.close();
    expect(clock.pending).toBe(0);
  });

  it('steps down when the downlink loses packets, further while it stays short, and back up slowly', () => {
    const { policy, view, layers, clock } = makePolicy();
    policy.setPeople([BOB, CAROL, DAN]);
    policy.setView(view({ [BOB]: 800, [CAROL]: 800, [DAN]: 400 }, { speaker: BOB }));
    clock.advance(1000);
    expect(layers()).toEqual({ [BOB]: 2, [CAROL]: 2, [DAN]: 1 });
    policy.setDownlink({ lossPercent: 6, availableKbps: null });
    clock.advance(2000);
    expect(layers()).toEqual({ [BOB]: 1, [CAROL]: 1, [DAN]: 0 });
    policy.setDownlink({ lossPercent: 6, availableKbps: null });
    clock.advance(2000);
    expect(layers()).toEqual({ [BOB]: 1, [CAROL]: 0, [DAN]: 0 });
    const goodFor = (ms: number) => {
      for (let elapsed = 0; elapsed <= ms; elapsed += 2000) {
        policy.setDownlink({ lossPercent: 0, availableKbps: null });
        clock.advance(2000);
      }
    };
    // Good again: nothing moves for ten seconds, then one step every ten seconds.
    goodFor(8000);
    expect(layers()).toEqual({ [BOB]: 1, [CAROL]: 0, [DAN]: 0 });
    goodFor(2000);
    expect(layers()).toEqual({ [BOB]: 1, [CAROL]: 1, [DAN]: 0 });
    goodFor(10_000);
    expect(layers()).toEqual({ [BOB]: 2, [CAROL]: 2, [DAN]: 1 });
  });

  it('goes to the low layer at once on heavy loss, the speaker keeping the medium one', () => {
    const { policy, view, layers, clock } = makePolicy();
    policy.setPeople([BOB, CAROL]);
    policy.setView(view({ [BOB]: 800, [CAROL]: 800 }, { speaker: BOB }));
    clock.advance(1000);
    policy.setDownlink({ lossPercent: 15, availableKbps: null });
    clock.advance(1000);
    expect(layers()).toEqual({ [BOB]: 1, [CAROL]: 0 });
  });

  it('steps down when the estimated bandwidth cannot carry what is asked', () => {
    const { policy, view, layers, clock } = makePolicy();
    policy.setPeople([BOB, CAROL]);
    policy.setView(view({ [BOB]: 800, [CAROL]: 800 }));
    clock.advance(1000);
    policy.setDownlink({ lossPercent: 0, availableKbps: 1200 });
    clock.advance(1000);
    expect(layers()).toEqual({ [BOB]: 1, [CAROL]: 1 });
    // 600 kbit/s fits now: it stays there.
    policy.setDownlink({ lossPercent: 0, availableKbps: 1200 });
    clock.advance(1000);
    expect(layers()).toEqual({ [BOB]: 1, [CAROL]: 1 });
  });
});

describe('readDownlink', () => {
  it('reads the loss between two readings and the estimated incoming bandwidth', () => {
    const report = (lost: number, received: number) => [
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
      { id: 'P', type: 'candidate-pair', availableIncomingBitrate: 2_500_000 },
      { id: 'A', type: 'inbound-rtp', packetsLost: lost, packetsReceived: received },
    ];
    const first = readDownlink(report(0, 0), null);
    const { downlink } = readDownlink(report(5, 95), first.sample);
    expect(downlink).toEqual({ lossPercent: 5, availableKbps: 2500 });
  });
});
