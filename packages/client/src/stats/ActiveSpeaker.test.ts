import type { PeerId } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/ManualClock.ts';
import { ActiveSpeaker, SWITCH_AFTER_MS, type Speaker } from './ActiveSpeaker.ts';

const ANN = 'annannannannannannann1' as PeerId;
const BEN = 'benbenbenbenbenbenben1' as PeerId;

function makeSpeaker() {
  const clock = new ManualClock();
  let levels = new Map<PeerId, number>([
    [ANN, 0],
    [BEN, 0],
  ]);
  let own = 0;
  const changes: [number, Speaker][] = [];
  const speaker = new ActiveSpeaker({
    clock,
    levels: () => levels,
    ownLevel: () => own,
    onLevels: () => undefined,
    onSpeaker: (who) => changes.push([clock.now(), who]),
  });
  speaker.start();
  const hear = (next: { ann?: number; ben?: number; self?: number }) => {
    levels = new Map([
      [ANN, next.ann ?? 0],
      [BEN, next.ben ?? 0],
    ]);
    own = next.self ?? 0;
  };
  return { clock, speaker, changes, hear };
}

describe('ActiveSpeaker', () => {
  it('shows the first voice at once and keeps it through a pause', () => {
    const { clock, changes, hear } = makeSpeaker();
    hear({ ann: 0.3 });
    clock.advance(250);
    expect(changes).toEqual([[250, ANN]]);
    hear({});
    clock.advance(2000);
    expect(changes).toEqual([[250, ANN]]);
  });

  it('moves to another voice only once it has been the loudest for a while', () => {
    const { clock, speaker, changes, hear } = makeSpeaker();
    hear({ ann: 0.3 });
    clock.advance(250);
    hear({ ben: 0.5 });
    clock.advance(250 + SWITCH_AFTER_MS - 1);
    expect(speaker.speaker).toBe(ANN);
    clock.advance(250);
    expect(changes).toEqual([
      [250, ANN],
      [1250, BEN],
    ]);
  });

  it('does not jump back and forth while two talk over each other', () => {
    const { clock, changes, hear } = makeSpeaker();
    hear({ ann: 0.3 });
    clock.advance(250);
    for (let i = 0; i < 20; i++) {
      hear(i % 2 === 0 ? { ben: 0.5, ann: 0.1 } : { ann: 0.4, ben: 0.1 });
      clock.advance(250);
    }
    expect(changes).toEqual([[250, ANN]]);
  });

  it('counts our own voice like anyone else, weighed down', () => {
    const { clock, changes, hear } = makeSpeaker();
    hear({ ann: 0.3 });
    clock.advance(250);
    // Our 0.5 counts as 0.25, below Ann's 0.3: she stays.
    hear({ ann: 0.3, self: 0.5 });
    clock.advance(2000);
    hear({ self: 0.5 });
    clock.advance(SWITCH_AFTER_MS + 250);
    expect(changes.map(([, who]) => who)).toEqual([ANN, 'self']);
  });
});
