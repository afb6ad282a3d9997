/**
 * When someone's media really arrives on one receiver: audio once its track unmutes (the
 * browser got RTP for it), video once a frame was decoded. A video track unmutes on its first
 * packet, well before a keyframe makes a picture, and a tile switched to it then would go
 * black for that long. A call moving between the mesh and the media server switches each
 * tile to the new path only when this says the new path can show something.
 */
import type { Clock, TimerHandle } from '../clock.ts';
import { entriesOf } from '../stats/summarize.ts';

export type MediaKind = 'audio' | 'video';

/** How often a receiver is asked whether it decoded a frame: the switch is that much late at most. */
const POLL_MS = 100;
/** Past this, nothing is coming (a camera that is off): stop asking. */
const GIVE_UP_MS = 30_000;

/** The part of a receiver this needs (RTCRtpReceiver in browsers). */
export interface WatchedReceiver {
  readonly track: Pick<MediaStreamTrack, 'kind' | 'muted' | 'addEventListener' | 'removeEventListener'>;
  getStats(): Promise<RTCStatsReport>;
}

async function framesDecoded(receiver: WatchedReceiver): Promise<number> {
  let frames = 0;
  for (const entry of entriesOf(await receiver.getStats()).values()) {
    if (entry.type === 'inbound-rtp' && typeof entry.framesDecoded === 'number')
      frames += entry.framesDecoded;
  }
  return frames;
}

/**
 * Calls `onArrived` once, when media arrives on `receiver`; returns the cancel. A receiver
 * that carried someone else before (the media server reuses its m-lines) counts only frames
 * decoded after the watch began, or after its first packet when it was still waiting for one.
 */
export function watchArrival(receiver: WatchedReceiver, clock: Clock, onArrived: () => void): () => void {
  const track = receiver.track;
  let isDone = false;
  let timer: TimerHandle | null = null;
  const finish = () => {
    if (isDone) return;
    isDone = true;
    onArrived();
  };
  let startedAt = clock.now();
  let baseline: number | null = null;
  const poll = async () => {
    timer = null;
    const frames = await framesDecoded(receiver).catch(() => null);
    if (isDone) return;
    if (frames !== null && baseline !== null && frames > baseline) return finish();
    if (frames !== null) baseline ??= frames;
    if (clock.now() - startedAt < GIVE_UP_MS) timer = clock.setTimeout(() => void poll(), POLL_MS);
  };
  // Both kinds wait for the first packet, which unmutes the track: audio has then arrived; a
  // video still needs a decoded frame, and no getStats is asked before that packet (a new
  // connection's first 100-200 ms, when the page has better things to do).
  const onFirstPacket = () => {
    if (track.kind === 'audio') return finish();
    startedAt = clock.now();
    void poll();
  };
  if (track.muted) track.addEventListener('unmute', onFirstPacket, { once: true });
  else onFirstPacket();
  return () => {
    isDone = true;
    track.removeEventListener('unmute', onFirstPacket);
    clock.clearTimeout(timer);
  };
}
