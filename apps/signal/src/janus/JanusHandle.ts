import { EventEmitter } from 'node:events';
import { MediaServerError } from './errors.ts';
import type { Candidate, HandleMessage, JanusReply, Jsep, MediaState, SlowLinkReport } from './messages.ts';

/** What a session and its handles need from the connection under them. */
export interface JanusTransport {
  readonly isOpen: boolean;
  /** Sends one request; `waitsForEvent` for plugin messages, whose outcome may follow an `ack`. */
  request(body: Record<string, unknown>, operation: string, waitsForEvent?: boolean): Promise<JanusReply>;
}

/** A plugin's notification that answers no request of ours (a new publisher, a renegotiation...). */
export interface PluginNotification {
  data: Record<string, unknown>;
  jsep?: Jsep;
}

export interface PluginReply {
  data: Record<string, unknown>;
  jsep?: Jsep;
}

export type HandleEvents = {
  /** A plugin notification. */
  event: [PluginNotification];
  /** One of Janus's own ICE candidates, or `null` once it has no more. */
  candidate: [Candidate | null];
  /** ICE and DTLS are up: media can flow. */
  webrtcup: [];
  /** Janus started or stopped receiving a medium. */
  media: [MediaState];
  /** Janus saw many lost packets in one direction. */
  slowlink: [SlowLinkReport];
  /** The PeerConnection is gone (the handle remains). */
  hangup: [reason: string | undefined];
  /** The handle is gone. */
  detached: [];
};

/** One attachment to a plugin inside a session: one PeerConnection at most. */
export class JanusHandle extends EventEmitter<HandleEvents> {
  #isDetached = false;
  /**
   * Janus's candidates that came before anyone listened. With full trickle, Janus may send
   * the first ones before its reply carrying the offer: those are its only candidates, and a
   * browser that never gets them stays in ICE `new` for good.
   */
  #heldCandidates: (Candidate | null)[] = [];

  constructor(
    readonly transport: JanusTransport,
    readonly sessionId: number,
    readonly id: number,
    readonly plugin: string,
    private readonly onDetached: (handle: JanusHandle) => void,
  ) {
    super();
    // `newListener` is Node's own event, outside HandleEvents.
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      // Handed over once the listener's owner is set up (after the reply's continuations).
      if (event === 'candidate' && this.#heldCandidates.length > 0)
        setImmediate(() => this.#releaseCandidates());
    });
  }

  get isDetached(): boolean {
    return this.#isDetached;
  }

  /** A request to the plugin; resolves with its answer (synchronous or, after an ack, its event). */
  async message(body: Record<string, unknown>, operation: string, jsep?: Jsep): Promise<PluginReply> {
    const reply = await this.transport.request(
      { janus: 'message', session_id: this.sessionId, handle_id: this.id, body, ...(jsep ? { jsep } : {}) },
      operation,
      true,
    );
    if ((reply.janus === 'success' || reply.janus === 'event') && reply.plugindata) {
      return {
        data: reply.plugindata.data,
        ...(reply.janus === 'event' && reply.jsep ? { jsep: reply.jsep } : {}),
      };
    }
    throw new MediaServerError('media-server-error', operation);
  }

  /** Passes on one of the browser's candidates; `null` is its end of candidates. */
  async trickle(candidate: Candidate | null): Promise<void> {
    const payload = candidate
      ? {
          candidate: candidate.candidate,
          ...(candidate.sdpMid != null ? { sdpMid: candidate.sdpMid } : {}),
          ...(candidate.sdpMLineIndex != null ? { sdpMLineIndex: candidate.sdpMLineIndex } : {}),
        }
      : { completed: true };
    await this.transport.request(
      { janus: 'trickle', session_id: this.sessionId, handle_id: this.id, candidate: payload },
      'trickle',
    );
  }

  /** Closes the PeerConnection and keeps the handle. */
  async hangup(): Promise<void> {
    await this.transport.request(
      { janus: 'hangup', session_id: this.sessionId, handle_id: this.id },
      'hangup',
    );
  }

  /** Leaves the plugin; every listener goes with the handle. */
  async detach(): Promise<void> {
    if (this.#isDetached) return;
    try {
      await this.transport.request(
        { janus: 'detach', session_id: this.sessionId, handle_id: this.id },
        'detach',
      );
    } finally {
      this.markDetached();
    }
  }

  /** The handle is gone on Janus's side (detached, or its session ended). */
  markDetached(): void {
    if (this.#isDetached) return;
    this.#isDetached = true;
    this.emit('detached');
    this.removeAllListeners();
    this.onDetached(this);
  }

  /**
   * Janus's first candidates often arrive in the same socket read as the answer or offer
   * whose reply creates their listener (`await room.subscribe(...)` then `.on('candidate')`):
   * events are emitted once the current read and its promise continuations are done.
   */
  dispatch(message: HandleMessage): void {
    setImmediate(() => this.#emitFor(message));
  }

  #releaseCandidates(): void {
    if (this.#isDetached || this.listenerCount('candidate') === 0) return;
    for (const candidate of this.#heldCandidates.splice(0)) this.emit('candidate', candidate);
  }

  #emitFor(message: HandleMessage): void {
    if (this.#isDetached) return;
    switch (message.janus) {
      case 'event':
        this.emit('event', {
          data: message.plugindata.data,
          ...(message.jsep ? { jsep: message.jsep } : {}),
        });
        break;
      case 'trickle':
        this.#heldCandidates.push('completed' in message.candidate ? null : message.candidate);
        this.#releaseCandidates();
        break;
      case 'webrtcup':
        this.emit('webrtcup');
        break;
      case 'media':
        this.emit('media', message);
        break;
      case 'slowlink':
        this.emit('slowlink', message);
        break;
      case 'hangup':
        this.emit('hangup', message.reason);
        break;
      case 'detached':
        this.markDetached();
        break;
    }
  }
}
