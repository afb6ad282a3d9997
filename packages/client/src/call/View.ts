/**
 * What the screen shows of the others, as the UI tells it: each remote tile's size, a tile
 * shown full screen, and who speaks. The media server path picks each person's video layer
 * from it (see rtc/sfu/LayerPolicy); the mesh has nothing to pick.
 */
import type { PeerId } from '@app/protocol';
import type { ViewHints } from '../rtc/MediaTransport.ts';

export class View {
  readonly #onChange: (hints: ViewHints) => void;
  #hints: ViewHints = { tiles: new Map(), speaker: null, pinned: null };

  constructor(onChange: (hints: ViewHints) => void) {
    this.#onChange = onChange;
  }

  get hints(): ViewHints {
    return this.#hints;
  }

  /** A tile's size in CSS pixels; null when it is no longer shown. */
  setTile(peerId: PeerId, size: { width: number; height: number } | null): void {
    const tiles = new Map(this.#hints.tiles);
    const before = tiles.get(peerId);
    if (size === null) tiles.delete(peerId);
    else tiles.set(peerId, { width: Math.round(size.width), height: Math.round(size.height) });
    const after = tiles.get(peerId);
    if (before?.width === after?.width && before?.height === after?.height) return;
    this.#set({ ...this.#hints, tiles });
  }

  setSpeaker(speaker: PeerId | null): void {
    if (speaker !== this.#hints.speaker) this.#set({ ...this.#hints, speaker });
  }

  setPinned(pinned: PeerId | null): void {
    if (pinned !== this.#hints.pinned) this.#set({ ...this.#hints, pinned });
  }

  #set(hints: ViewHints): void {
    this.#hints = hints;
    this.#onChange(hints);
  }
}
