/**
 * When the offline copy installs. Installing the service worker fetches and stores every chunk
 * of the app again, which on a device with few cores slows down a call being set up; and a
 * guest's first visit is usually a room link, where they press Join while it would install.
 * So on a room page it waits until the call is up (see `isCallUp`) or the page is left.
 * Anywhere else it starts a few seconds after the load event (`INSTALL_AFTER_LOAD_MS`): whoever
 * presses Create room or Join at once reaches the room page first, which then holds it.
 */
import type { CallPhase } from '@app/client';
import { matchRoute } from '../router.ts';

/**
 * From the load event to the install. Installing at once put it beside the camera start of
 * someone who pressed Create room straight away (1211 against 957 ms to the preview's first
 * frame, median of 8 first visits each).
 */
export const INSTALL_AFTER_LOAD_MS = 3_000;

/** In a call whose first video never shows (cameras off, a failing link), it installs after this. */
export const CALL_SETTLE_MS = 10_000;

export class InstallGate {
  #isCallSettingUp: boolean;
  /** A room page has set up a call in this page (from then on only its call counts). */
  #hasHadRoom: boolean;
  #waiting: Array<() => void> = [];

  /** `isCallSettingUp`: the page opened on a room link, whose room page is about to mount. */
  constructor(isCallSettingUp: boolean) {
    this.#isCallSettingUp = isCallSettingUp;
    this.#hasHadRoom = isCallSettingUp;
  }

  get isCallSettingUp(): boolean {
    return this.#isCallSettingUp;
  }

  /** Set by the room page: from its mount until the call is up or the page is left. */
  set isCallSettingUp(value: boolean) {
    this.#isCallSettingUp = value;
    if (value) {
      this.#hasHadRoom = true;
      return;
    }
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const task of waiting) task();
  }

  /** Runs `install` now, or once no call is being set up. */
  run(install: () => void): void {
    if (this.#isCallSettingUp) this.#waiting.push(install);
    else install();
  }

  /**
   * Runs `install` `delayMs` from now, unless a room page sets up a call first: then once that
   * call is up (or the page is left), as on a room link, however long that takes.
   */
  runAfter(delayMs: number, install: () => void): void {
    if (this.#hasHadRoom) return this.run(install);
    let hasRun = false;
    const once = () => {
      if (hasRun) return;
      hasRun = true;
      install();
    };
    this.#waiting.push(once);
    setTimeout(() => {
      if (!this.#hasHadRoom) once();
    }, delayMs);
  }
}

/** What of a call the gate looks at (the page's CallController has it). */
export interface CallProgress {
  phase: CallPhase;
  participants: ReadonlyArray<{ setupTimeMs: number | null }>;
}

/** The set-up is over: someone's video showed, or the call ended. */
export function isCallUp(call: CallProgress): boolean {
  return call.phase === 'ended' || call.participants.some((person) => person.setupTimeMs !== null);
}

export const installGate = new InstallGate(
  typeof location !== 'undefined' && matchRoute(location.pathname).page === 'room',
);
