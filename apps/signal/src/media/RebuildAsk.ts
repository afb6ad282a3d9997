import { isBreakdown, type Publisher, type Subscriber } from '../janus/index.ts';
import type { SeatMediaContext } from './SeatMediaContext.ts';

/**
 * Janus may give up a connection of a seat's on its own: a DTLS handshake that timed out on a
 * starved machine, ICE failed for good. An ICE restart cannot mend that, and nothing flows on
 * it again: the browser is asked, once per publication, to publish and subscribe afresh on
 * new connections, as after a move to another media server.
 */
export class RebuildAsk {
  readonly #seat: Pick<SeatMediaContext, 'send' | 'gaveUp'>;
  #isAsked = false;

  constructor(seat: Pick<SeatMediaContext, 'send' | 'gaveUp'>) {
    this.#seat = seat;
  }

  /** Asks when `handle` breaks down while `isCurrent()`. */
  watch(handle: Publisher | Subscriber, isCurrent: () => boolean): void {
    handle.on('hangup', (reason) => {
      if (this.#isAsked || !isCurrent() || !isBreakdown(reason)) return;
      this.#isAsked = true;
      this.#seat.gaveUp(reason);
      this.#seat.send({ type: 'topology', topology: 'sfu', restart: true });
    });
  }

  /** A new publication: new connections, which may be asked for again. */
  reset(): void {
    this.#isAsked = false;
  }
}
