import { EventEmitter } from 'node:events';
import type { Clock } from './clock.ts';
import { MediaServerError } from './errors.ts';
import { JanusHandle, type JanusTransport } from './JanusHandle.ts';
import { Keepalive } from './Keepalive.ts';
import type { HandleMessage } from './messages.ts';

export type SessionLostReason =
  /** Janus ended it: nothing reached it for session_timeout seconds. */
  | 'timeout'
  /** After a reconnect Janus no longer knew it (restarted, or reclaim_session_timeout passed). */
  | 'not-claimed'
  /** A keepalive or request was refused because Janus no longer knows it. */
  | 'unknown-to-server';

export type SessionEvents = {
  lost: [reason: SessionLostReason];
};

export interface SessionOptions {
  keepaliveMs: number;
  clock: Clock;
  onEnded: (session: JanusSession) => void;
  onKeepaliveFailed: (session: JanusSession, error: unknown) => void;
}

/**
 * A Janus session: the unit Janus times out, and the one a reconnecting server claims back.
 * It owns its handles and its keepalive; `lost` tells its owner that everything under it is
 * gone on Janus's side.
 */
export class JanusSession extends EventEmitter<SessionEvents> {
  readonly #handles = new Map<number, JanusHandle>();
  readonly #keepalive: Keepalive;
  readonly #onEnded: (session: JanusSession) => void;
  #isEnded = false;

  constructor(
    readonly transport: JanusTransport,
    readonly id: number,
    options: SessionOptions,
  ) {
    super();
    this.#onEnded = options.onEnded;
    this.#keepalive = new Keepalive({
      intervalMs: options.keepaliveMs,
      clock: options.clock,
      send: () => {
        if (!this.transport.isOpen) return;
        this.transport
          .request({ janus: 'keepalive', session_id: this.id }, 'keepalive')
          .catch((error: unknown) => {
            if (error instanceof MediaServerError && error.code === 'media-session-lost') {
              this.markLost('unknown-to-server');
            } else {
              options.onKeepaliveFailed(this, error);
            }
          });
      },
    });
    this.#keepalive.start();
  }

  get isEnded(): boolean {
    return this.#isEnded;
  }

  get handles(): JanusHandle[] {
    return [...this.#handles.values()];
  }

  async attach(plugin: string): Promise<JanusHandle> {
    const reply = await this.transport.request({ janus: 'attach', session_id: this.id, plugin }, 'attach');
    if (reply.janus !== 'success' || !reply.data) throw new MediaServerError('media-server-error', 'attach');
    const handle = new JanusHandle(this.transport, this.id, reply.data.id, plugin, (gone) =>
      this.#handles.delete(gone.id),
    );
    this.#handles.set(handle.id, handle);
    return handle;
  }

  /**
   * Takes over a handle that already exists in this session on Janus (a claimed session's,
   * after a restart): its events reach this process from now on.
   */
  adopt(handleId: number, plugin: string): JanusHandle {
    const known = this.#handles.get(handleId);
    if (known) return known;
    const handle = new JanusHandle(this.transport, this.id, handleId, plugin, (gone) =>
      this.#handles.delete(gone.id),
    );
    this.#handles.set(handle.id, handle);
    return handle;
  }

  /** Ends the session on Janus (its handles and PeerConnections go with it). */
  async destroy(): Promise<void> {
    if (this.#isEnded) return;
    try {
      await this.transport.request({ janus: 'destroy', session_id: this.id }, 'destroy');
    } finally {
      this.#end();
      this.removeAllListeners();
    }
  }

  dispatch(message: HandleMessage): void {
    this.#handles.get(message.sender)?.dispatch(message);
  }

  /** Forgets the session here and leaves it on Janus, for another connection to claim. */
  release(): void {
    if (this.#isEnded) return;
    this.#end();
    this.removeAllListeners();
  }

  markLost(reason: SessionLostReason): void {
    if (this.#isEnded) return;
    this.#end();
    this.emit('lost', reason);
    this.removeAllListeners();
  }

  #end(): void {
    this.#isEnded = true;
    this.#keepalive.stop();
    for (const handle of this.#handles.values()) handle.markDetached();
    this.#onEnded(this);
  }
}
