import WebSocket from 'ws';

/** A server message as received: the suite checks shapes with assertions, not types. */
export type ServerFrame = { type: string } & Record<string, unknown>;

/**
 * A participant that speaks the signaling protocol directly (no browser): cheap seats for
 * filling a room, and a way to ask the server who it thinks is in a room.
 */
export class ProtocolPeer {
  readonly frames: ServerFrame[] = [];
  readonly #waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      this.frames.push(frame);
      for (const wake of this.#waiters) wake();
    });
    socket.on('close', () => {
      for (const wake of this.#waiters) wake();
    });
  }

  static async connect(wsUrl: string, origin: string): Promise<ProtocolPeer> {
    const socket = new WebSocket(wsUrl, { origin });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new ProtocolPeer(socket);
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first frame (received so far or later) that matches. */
  async next(match: (frame: ServerFrame) => boolean, timeoutMs = 10_000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.socket.readyState !== WebSocket.OPEN)
        throw new Error('The socket closed while waiting for a frame');
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`No matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  /** Sends `join` and returns the answer: `joined` or `error`. */
  async join(room: string, name: string, password?: string): Promise<ServerFrame> {
    this.send({ type: 'join', room, name, ...(password === undefined ? {} : { password }) });
    return this.next((frame) => frame.type === 'joined' || frame.type === 'error');
  }

  close(): void {
    this.socket.close();
  }
}
