/**
 * Who is speaking: the loudest microphone above a floor, polled four times a second from the
 * receivers' audio levels (cheap: no getStats). The highlight stays where it is during short
 * pauses, so it does not flicker between words, and moves to someone else only once they have
 * been the one heard loudest for `SWITCH_AFTER_MS`: when several talk at once it does not jump
 * at every poll (on the media server each move also asks for the new speaker's larger video).
 */
import type { PeerId } from '@app/protocol';
import type { Clock, TimerHandle } from '../clock.ts';

export type Speaker = PeerId | 'self' | null;

export interface ActiveSpeakerOptions {
  clock: Clock;
  /** Each other person's loudness 0..1 now (0 when their microphone is off). */
  levels: () => Map<PeerId, number>;
  /** Our own microphone's loudness 0..1. */
  ownLevel: () => number;
  onLevels: (levels: Map<PeerId, number>) => void;
  onSpeaker: (speaker: Speaker) => void;
  intervalMs?: number;
}

const SPEAKING_LEVEL = 0.04;
/** How long someone must stay the loudest heard before the highlight moves to them. */
export const SWITCH_AFTER_MS = 750;
/** Our own microphone is measured before the network: weigh it down to compare fairly. */
const OWN_LEVEL_WEIGHT = 0.5;

export class ActiveSpeaker {
  readonly #options: ActiveSpeakerOptions;
  #timer: TimerHandle | null = null;
  #speaker: Speaker = null;
  /** Who was heard loudest last, and since when (clock time), while it is not the speaker. */
  #candidate: Speaker = null;
  #candidateSince = 0;

  constructor(options: ActiveSpeakerOptions) {
    this.#options = options;
  }

  get speaker(): Speaker {
    return this.#speaker;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = this.#options.clock.setInterval(() => this.update(), this.#options.intervalMs ?? 250);
  }

  stop(): void {
    this.#options.clock.clearInterval(this.#timer);
    this.#timer = null;
  }

  update(): void {
    const levels = this.#options.levels();
    this.#options.onLevels(levels);
    let loudest: Speaker = null;
    let loudestLevel = SPEAKING_LEVEL;
    for (const [peerId, level] of levels) {
      if (level > loudestLevel) {
        loudest = peerId;
        loudestLevel = level;
      }
    }
    if (this.#options.ownLevel() * OWN_LEVEL_WEIGHT > loudestLevel) loudest = 'self';
    // Keep the highlight during pauses, unless the room emptied.
    if (loudest === null && levels.size > 0) return;
    if (loudest === this.#speaker) {
      this.#candidate = null;
      return;
    }
    const now = this.#options.clock.now();
    if (loudest !== this.#candidate) {
      this.#candidate = loudest;
      this.#candidateSince = now;
    }
    // The first voice, and an emptied room, show at once; a new voice over another once it holds.
    if (this.#speaker !== null && loudest !== null && now - this.#candidateSince < SWITCH_AFTER_MS) return;
    this.#candidate = null;
    this.#speaker = loudest;
    this.#options.onSpeaker(loudest);
  }
}
