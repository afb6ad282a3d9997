import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../test/ManualClock.ts';
import type { JanusHandle } from './JanusHandle.ts';
import { KEYFRAME_GAP_MS, Publisher } from './Publisher.ts';

/** A publisher on a stand-in handle, whose keyframe requests are counted instead of sent. */
function publisherWithClock() {
  const manual = new ManualClock();
  const clock = { after: manual.after.bind(manual), now: () => manual.now };
  const publisher = new Publisher(new EventEmitter() as unknown as JanusHandle, 1, 2, [], clock);
  const configure = vi.spyOn(publisher, 'configure').mockResolvedValue(undefined);
  const asked = () => configure.mock.calls.filter(([options]) => options.keyframe === true).length;
  return { manual, publisher, asked };
}

describe('keyframe requests to one browser', () => {
  it('six people moving the speaker up at once ask the browser once per repeat, not six times', () => {
    const { manual, publisher, asked } = publisherWithClock();
    for (let person = 0; person < 6; person++) publisher.requestKeyframes([0, 700, 2000], () => true);
    manual.advance(0);
    expect(asked()).toBe(1);
    manual.advance(700);
    expect(asked()).toBe(2);
    manual.advance(1300);
    expect(asked()).toBe(3);
  });

  it('asks again once the gap has passed, and never for a publisher that is no longer current', () => {
    const { manual, publisher, asked } = publisherWithClock();
    publisher.requestKeyframes([0], () => true);
    manual.advance(KEYFRAME_GAP_MS - 1);
    publisher.requestKeyframes([0], () => true);
    manual.advance(0);
    expect(asked()).toBe(1);
    manual.advance(1);
    publisher.requestKeyframes([0], () => true);
    manual.advance(0);
    expect(asked()).toBe(2);
    publisher.requestKeyframes([KEYFRAME_GAP_MS], () => false);
    manual.advance(KEYFRAME_GAP_MS);
    expect(asked()).toBe(2);
  });
});
