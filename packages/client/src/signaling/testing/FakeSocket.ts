/** A WebSocket stand-in the tests drive by hand: open, server frames, drops. */
import type { ClientMessage, ServerMessage } from '@app/protocol';
import type { SocketLike } from '../SignalClient.ts';

export class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly sent: ClientMessage[] = [];
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data) as ClientMessage);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  serverSends(message: ServerMessage | string): void {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    this.onmessage?.(new MessageEvent('message', { data }));
  }
  drop(): void {
    this.readyState = 3;
    // Node has no CloseEvent: an Event with the fields a close event carries.
    const event = Object.assign(new Event('close'), { code: 1006, reason: '', wasClean: false });
    this.onclose?.(event as CloseEvent);
  }
}
