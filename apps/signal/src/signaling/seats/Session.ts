import type {
  MediaPublishAnswerMessage,
  MediaServerCandidateMessage,
  MediaSessionMessage,
  MediaSubscribeOfferMessage,
  Peer,
  PeerId,
  RoomId,
  ServerMessage,
  Topology,
} from '@app/protocol';
import type { RoomEvent } from '../../rooms/RoomRegistry.ts';
import type { Scheduler, Timer } from '../scheduler.ts';

/** What a seat is sent besides `joined` and errors: its room's events and its media server's messages. */
export type SeatEvent =
  | RoomEvent
  | MediaPublishAnswerMessage
  | MediaSubscribeOfferMessage
  | MediaServerCandidateMessage
  | MediaSessionMessage;

/** Where a session's messages go while it has a socket. */
export interface Outbox {
  send(message: ServerMessage): void;
}

/**
 * One seat in one room, owned by this process. It outlives its socket: after an abnormal
 * drop it is held for the resume grace period, queueing what is addressed to it, so a
 * resumed connection gets every event in order, as if it had never been away.
 */
export class Session {
  #outbox: Outbox | null = null;
  /** Events not yet sent: while joining (before `joined` went out) and while held. */
  readonly #queue: SeatEvent[] = [];
  /**
   * The peers this session's client has been told about: updated as events are SENT, not
   * queued, so on resume it is exactly what the client knew, and the queued events that
   * follow `joined` carry every change since.
   */
  readonly #toldPeers = new Map<PeerId, Peer>();
  /** The topology the client was last told, kept like `#toldPeers`. */
  #toldTopology: Topology = 'mesh';
  #holdTimer: Timer | undefined;
  #isEnded = false;

  constructor(
    readonly peerId: PeerId,
    readonly room: RoomId,
    readonly name: string,
    private readonly queueLimit: number,
    private readonly onOverflow: (session: Session) => void,
    private readonly scheduler: Scheduler,
  ) {}

  get isHeld(): boolean {
    return this.#holdTimer !== undefined;
  }

  get isEnded(): boolean {
    return this.#isEnded;
  }

  get isOpen(): boolean {
    return this.#outbox !== null;
  }

  /** The room's topology as this seat's client knows it; a resumed `joined` says this one. */
  get toldTopology(): Topology {
    return this.#toldTopology;
  }

  /**
   * Called right after `joined` (listing `peers`, and saying `topology`) went out: replay the
   * queue, then go live.
   */
  open(outbox: Outbox, peers: readonly Peer[], topology: Topology = this.#toldTopology): void {
    this.#toldPeers.clear();
    for (const peer of peers) this.#toldPeers.set(peer.id, peer);
    this.#toldTopology = topology;
    this.#outbox = outbox;
    const pending = this.#queue.splice(0);
    for (const event of pending) this.#send(event);
  }

  deliver(event: SeatEvent): void {
    if (this.#isEnded) return;
    if (this.#outbox !== null) {
      this.#send(event);
      return;
    }
    // A reaction is only worth seeing when it happens: not replayed after a drop.
    if (event.type === 'reaction') return;
    this.#queue.push(event);
    // Bounded: a seat held past this many events is given up rather than resumed with a
    // gap, which would break the no-loss promise.
    if (this.#queue.length > this.queueLimit) this.onOverflow(this);
  }

  /** The socket went away abnormally: keep the seat for `graceMs`, then `onExpire`. */
  hold(graceMs: number, onExpire: (session: Session) => void): void {
    this.#outbox = null;
    this.#holdTimer?.cancel();
    this.#holdTimer = this.scheduler.after(graceMs, () => onExpire(this));
  }

  /**
   * A resume takes the seat back: stop the grace timer and detach from any old socket.
   * Returns the peers to list in the new `joined` (what the client last knew); `open`
   * then replays what happened since.
   */
  reattach(): Peer[] {
    this.#holdTimer?.cancel();
    this.#holdTimer = undefined;
    this.#outbox = null;
    return [...this.#toldPeers.values()];
  }

  /** The seat is gone for good; nothing more is delivered. */
  end(): void {
    this.#isEnded = true;
    this.#holdTimer?.cancel();
    this.#holdTimer = undefined;
    this.#outbox = null;
    this.#queue.length = 0;
  }

  /** A resumed `joined` lists hands as the client last heard them; queued events follow. */
  #tellHand(peerId: PeerId, isRaised: boolean): void {
    const peer = this.#toldPeers.get(peerId);
    if (peer === undefined) return;
    const { hand: _lowered, ...rest } = peer;
    this.#toldPeers.set(peerId, isRaised ? { ...rest, hand: true } : rest);
  }

  #send(event: SeatEvent): void {
    if (event.type === 'peer-joined') this.#toldPeers.set(event.peer.id, event.peer);
    if (event.type === 'peer-left') this.#toldPeers.delete(event.id);
    if (event.type === 'hand') this.#tellHand(event.id, event.raised);
    if (event.type === 'topology') {
      // `joined` may already have said it (a move decided while this seat was joining); a
      // move to another media server is news whatever the client was told.
      if (event.topology === this.#toldTopology && event.restart !== true) return;
      this.#toldTopology = event.topology;
    }
    this.#outbox?.send(event);
  }
}
