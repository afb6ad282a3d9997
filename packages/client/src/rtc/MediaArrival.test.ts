import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/ManualClock.ts';
import { FakeReceiver } from './testing/FakePeerConnection.ts';
import { watchArrival } from './MediaArrival.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function watch(kind: 'audio' | 'video', before: (receiver: FakeReceiver) => void = () => undefined) {
  const clock = new ManualClock();
  const receiver = new FakeReceiver(kind);
  before(receiver);
  let asked = 0;
  const getStats = receiver.getStats.bind(receiver);
  receiver.getStats = () => {
    asked += 1;
    return getStats();
  };
  const arrived: number[] = [];
  const cancel = watchArrival(receiver, clock, () => arrived.push(clock.now()));
  return { clock, receiver, arrived, cancel, asked: () => asked };
}

describe('watchArrival', () => {
  it('asks nothing of a video receiver before its first packet, then counts decoded frames', async () => {
    const { clock, receiver, arrived, asked } = watch('video');
    clock.advance(1000);
    await settle();
    expect(asked()).toBe(0);
    receiver.track.unmute();
    await settle();
    expect(asked()).toBe(1);
    receiver.framesDecoded = 1;
    clock.advance(100);
    await settle();
    expect(arrived).toEqual([1100]);
    expect(clock.pending).toBe(0);
  });

  it('counts only frames decoded after the watch began on a receiver already carrying media', async () => {
    const { clock, receiver, arrived } = watch('video', (earlier) => {
      earlier.track.unmute();
      earlier.framesDecoded = 40;
    });
    await settle();
    clock.advance(100);
    await settle();
    expect(arrived).toEqual([]);
    receiver.framesDecoded = 41;
    clock.advance(100);
    await settle();
    expect(arrived).toEqual([200]);
  });

  it('takes audio as arrived when it unmutes, and a cancelled watch asks nothing more', async () => {
    const audio = watch('audio');
    audio.receiver.track.unmute();
    expect(audio.arrived).toEqual([0]);
    const video = watch('video');
    video.cancel();
    video.receiver.track.unmute();
    await settle();
    expect(video.asked()).toBe(0);
  });
});
