/**
 * Which simulcast layer of each person's video to ask the media server for. The mechanism
 * (sending `media-layers`) is the caller's; this is the policy, with an injected clock:
 *
 * - By what the screen shows: the active speaker and a full-screen (pinned) tile get the high
 *   layer (2); other tiles by their size: a small tile gets the low layer (0), a middling one
 *   the medium layer (1), a tile as wide as the high layer the high one.
 * - By the downlink: when packets are lost, or the bandwidth the browser estimates cannot carry
 *   what is asked, everything above the low layer steps down one; when it stays short, every
 *   tile but the speaker's goes to the low layer. It steps back up only after the downlink has
 *   been good for a while, so that a bad second does not make every tile flap.
 * - Only changes are sent, at most one message per `minIntervalMs`; a change inside that time
 *   goes out when it ends, as the latest state.
 */
import type { PeerId } from '@app/protocol';
import type { Clock, TimerHandle } from '../../clock.ts';
import type { VideoLayer, ViewHints } from '../MediaTransport.ts';

export interface Downlink {
  /** Packets lost of those expected since the last reading, in percent. */
  lossPercent: number;
  /** What the browser estimates it could receive, when it says (kbit/s). */
  availableKbps: number | null;
}

export interface LayerPolicyOptions {
  clock: Clock;
  send: (layers: { peer: PeerId; layer: VideoLayer }[]) => void;
  minIntervalMs?: number;
  /** How long the downlink must stay good before layers step back up. */
  recoverAfterMs?: number;
}

/** Tiles narrower than this (CSS px) get the low layer, narrower than HIGH_FROM_PX the medium one. */
const MEDIUM_FROM_PX = 360;
const HIGH_FROM_PX = 720;
/** Loss above which the downlink counts as short, and far too short. */
const SHORT_LOSS_PERCENT = 4;
const VERY_SHORT_LOSS_PERCENT = 12;
/** What each layer needs, roughly (the publishers' caps, see Publisher), in kbit/s. */
const LAYER_KBPS: readonly number[] = [100, 300, 900];

type Pressure = 0 | 1 | 2;

export function layerForTile(width: number): VideoLayer {
  if (width >= HIGH_FROM_PX) return 2;
  return width >= MEDIUM_FROM_PX ? 1 : 0;
}

export class LayerPolicy {
  readonly #options: LayerPolicyOptions;
  readonly #minIntervalMs: number;
  readonly #recoverAfterMs: number;
  #view: ViewHints = { tiles: new Map(), speaker: null, pinned: null };
  #people: PeerId[] = [];
  #pressure: Pressure = 0;
  #goodSince: number | null = null;
  #sent = new Map<PeerId, VideoLayer>();
  #lastSentAt = -Infinity;
  #timer: TimerHandle | null = null;

  constructor(options: LayerPolicyOptions) {
    this.#options = options;
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
    this.#recoverAfterMs = options.recoverAfterMs ?? 10_000;
  }

  /** The layers asked for now. */
  get layers(): ReadonlyMap<PeerId, VideoLayer> {
    return this.#sent;
  }

  /** Whose video we receive (the others are not asked for anything). */
  setPeople(people: PeerId[]): void {
    this.#people = [...people];
    this.#update();
  }

  setView(view: ViewHints): void {
    this.#view = view;
    this.#update();
  }

  setDownlink(downlink: Downlink): void {
    const fits = (pressure: number) =>
      downlink.availableKbps === null || downlink.availableKbps >= this.#needKbps(pressure as Pressure);
    if (downlink.lossPercent >= VERY_SHORT_LOSS_PERCENT) {
      this.#pressure = 2;
      this.#goodSince = null;
    } else if (downlink.lossPercent >= SHORT_LOSS_PERCENT || !fits(this.#pressure)) {
      // One step per reading while it stays short.
      this.#pressure = Math.min(2, this.#pressure + 1) as Pressure;
      this.#goodSince = null;
    } else if (this.#pressure > 0 && fits(this.#pressure - 1)) {
      const now = this.#options.clock.now();
      this.#goodSince ??= now;
      if (now - this.#goodSince >= this.#recoverAfterMs) {
        this.#pressure = (this.#pressure - 1) as Pressure;
        this.#goodSince = this.#pressure > 0 ? now : null;
      }
    } else {
      this.#goodSince = null;
    }
    this.#update();
  }

  close(): void {
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #needKbps(pressure: Pressure): number {
    return [...this.#wanted(pressure).values()].reduce<number>(
      (sum, layer) => sum + (LAYER_KBPS[layer] ?? 0),
      0,
    );
  }

  #wanted(pressure: Pressure): Map<PeerId, VideoLayer> {
    const { tiles, speaker, pinned } = this.#view;
    const wanted = new Map<PeerId, VideoLayer>();
    for (const peerId of this.#people) {
      const isFocus = peerId === speaker || peerId === pinned;
      let layer: VideoLayer = isFocus ? 2 : layerForTile(tiles.get(peerId)?.width ?? 0);
      if (pressure === 2 && peerId !== pinned && peerId !== speaker) layer = 0;
      else if (pressure > 0 && layer > 0) layer = (layer - 1) as VideoLayer;
      wanted.set(peerId, layer);
    }
    return wanted;
  }

  #update(): void {
    const wanted = this.#wanted(this.#pressure);
    const isSame =
      wanted.size === this.#sent.size && [...wanted].every(([id, l]) => this.#sent.get(id) === l);
    if (isSame || this.#timer !== null) return;
    const wait = this.#lastSentAt + this.#minIntervalMs - this.#options.clock.now();
    if (wait > 0) {
      this.#timer = this.#options.clock.setTimeout(() => {
        this.#timer = null;
        this.#update();
      }, wait);
      return;
    }
    const changes = [...wanted].filter(([id, layer]) => this.#sent.get(id) !== layer);
    this.#sent = wanted;
    this.#lastSentAt = this.#options.clock.now();
    if (changes.length > 0) this.#options.send(changes.map(([peer, layer]) => ({ peer, layer })));
  }
}
