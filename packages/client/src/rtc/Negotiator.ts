/**
 * Perfect negotiation for one RTCPeerConnection, in the shape of the W3C example
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): `makingOffer`,
 * `ignoreOffer`, `isSettingRemoteAnswerPending`, `onnegotiationneeded` calling
 * `setLocalDescription()` with no argument, and the browser's implicit rollback for the
 * polite side in a collision.
 *
 * One addition, the first-offer gate: Chromium sometimes never gathers candidates for the
 * polite side's answer when both sides offer at the same moment, so only the side that
 * starts (`isInitiator`, the newcomer) prepares its media and offers at once. The other side
 * prepares when that first offer is applied, so its answer already carries its media and no
 * second round is needed. Should the first offer never come (the initiator is gone, or lost
 * the connection it thought it had), the waiting side prepares and offers itself after
 * `firstOfferWaitMs`: two sides are never left waiting for each other.
 */
import type { SignalData } from '@app/protocol';
import type { Clock, TimerHandle } from '../clock.ts';
import { Emitter } from '../events.ts';
import { answerTo, dtlsFingerprint, iceUfrag, sessionOrigin, withAnswerTo, withStartBitrate } from './sdp.ts';

export interface NegotiatorOptions {
  pc: RTCPeerConnection;
  polite: boolean;
  isInitiator: boolean;
  sendSignal: (data: SignalData) => void;
  /** Puts the local media and channels on the connection; runs once, before the first local description. */
  prepare: () => void;
  clock: Clock;
  /** How long the waiting side waits for the initiator's first offer before offering itself. */
  firstOfferWaitMs: number;
}

export type NegotiatorEvents = {
  /** A local or remote description was applied (the verification code may change). */
  negotiated: undefined;
  /** The connection got its media and channels (at once for the initiator). */
  ready: undefined;
  /** A remote offer was answered (or could not be): see `isAnswering`. */
  answered: undefined;
};

export class Negotiator {
  readonly events = new Emitter<NegotiatorEvents>();
  readonly #options: NegotiatorOptions;
  readonly #pc: RTCPeerConnection;
  #makingOffer = false;
  #ignoreOffer = false;
  #isSettingRemoteAnswerPending = false;
  #isReady = false;
  #isAnswering = false;
  #isClosed = false;
  #chain: Promise<void> = Promise.resolve();
  #firstOfferTimer: TimerHandle | null = null;
  /** Settles when the initiator's first offer was sent (or could not be made). */
  readonly #firstOffer: Promise<void>;

  constructor(options: NegotiatorOptions) {
    this.#options = options;
    const pc = (this.#pc = options.pc);
    pc.onnegotiationneeded = () => void this.#offer();
    pc.onicecandidate = ({ candidate }) => {
      // A null candidate is the end of candidates, relayed as such.
      options.sendSignal({ candidate: candidate ? candidate.toJSON() : null });
    };
    if (options.isInitiator) {
      this.#prepare();
      // The first offer goes at once rather than from negotiationneeded, a task later: on a
      // busy page (the call screen being drawn) that task can wait a long time, and the whole
      // set-up with it.
      this.#firstOffer = this.#offer();
    } else if (options.firstOfferWaitMs > 0) {
      this.#firstOfferTimer = options.clock.setTimeout(() => {
        this.#firstOfferTimer = null;
        // Negotiation-needed fires after prepare(), and this side offers.
        if (!this.#isReady && !this.#isClosed) this.#prepare();
      }, options.firstOfferWaitMs);
    }
    this.#firstOffer ??= Promise.resolve();
  }

  /** Settles once the first offer this side started is sent, or given up; at once if it waits for one. */
  get firstOffer(): Promise<void> {
    return this.#firstOffer;
  }

  get isReady(): boolean {
    return this.#isReady;
  }

  /** A remote offer is being applied and answered; `answered` follows. */
  get isAnswering(): boolean {
    return this.#isAnswering;
  }

  /**
   * True when `data` is an offer from a new incarnation of the peer (it reloaded, or lost its
   * connection and made a new one, under the same PeerId): its DTLS certificate differs from
   * the one this connection negotiated, which a running connection cannot adopt.
   */
  isFromNewIncarnation(data: SignalData): boolean {
    if (!('description' in data) || data.description.type !== 'offer') return false;
    return this.#isOtherCertificate(data.description.sdp);
  }

  /**
   * True when `data` answers our offer from another connection than the one we negotiated
   * with: the other side had given up on ours (we were away too long) and answered from a
   * new one. Ours cannot carry on; the caller starts afresh.
   */
  isAnswerFromNewIncarnation(data: SignalData): boolean {
    if (!('description' in data) || data.description.type !== 'answer') return false;
    return this.#isOtherCertificate(data.description.sdp);
  }

  /**
   * The other side was unreachable (dropped by the server) and is back: an offer of ours made
   * meanwhile went to a socket that no longer exists, so it is sent again. It is not taken
   * back: after a long freeze, Chromium sometimes never shows the video of a connection whose
   * offer was rolled back (it decodes every frame and hands none to the page).
   */
  resendPendingOffer(): Promise<void> {
    this.#chain = this.#chain
      .then(() => {
        if (this.#isClosed || this.#makingOffer || this.#pc.signalingState !== 'have-local-offer') return;
        this.#sendLocalDescription();
      })
      .catch(() => undefined);
    return this.#chain;
  }

  /**
   * An answer to an offer we no longer have out: a glare rolled it back and we made a new
   * one, or are stable again (a second copy of an answer applied already). Applied to the
   * new offer it would leave the two sides with different descriptions; the answer to the
   * new offer follows.
   */
  #isStaleAnswer(sdp: string): boolean {
    if (this.#pc.signalingState !== 'have-local-offer') return true;
    const to = answerTo(sdp);
    return to !== null && to !== sessionOrigin(this.#pc.localDescription?.sdp);
  }

  /** The offer we answered last, sent again (see resendPendingOffer): answered already. */
  #isAppliedOffer(sdp: string): boolean {
    const origin = sessionOrigin(sdp);
    return origin !== null && origin === sessionOrigin(this.#pc.remoteDescription?.sdp);
  }

  #isOtherCertificate(sdp: string): boolean {
    const current = dtlsFingerprint(this.#pc.remoteDescription?.sdp);
    const incoming = dtlsFingerprint(sdp);
    return current !== null && incoming !== null && current !== incoming;
  }

  /** Applies one relayed signal; signals are applied strictly in arrival order. */
  handleSignal(data: SignalData): Promise<void> {
    this.#chain = this.#chain.then(() => this.#apply(data)).catch(() => undefined);
    return this.#chain;
  }

  /**
   * ICE restart: the next offer carries new credentials. Only once media is on the connection.
   * While an ICE restart offer of ours is still unanswered (the other side unreachable, or
   * frozen), it is sent again instead: a second restart would change the credentials once
   * more, and the other side, answering the first, would have to start its checks over.
   * After a network change it restarts afresh all the same: the offer out may carry the
   * candidates of a network that is gone.
   */
  restartIce(isNetworkChange = false): void {
    if (this.#isClosed || !this.#isReady) return;
    if (!isNetworkChange && this.#isRestartOfferOut()) {
      void this.resendPendingOffer();
      return;
    }
    this.#pc.restartIce();
  }

  #isRestartOfferOut(): boolean {
    const pc = this.#pc;
    if (this.#makingOffer || pc.signalingState !== 'have-local-offer') return false;
    const pending = iceUfrag(pc.localDescription?.sdp);
    const settled = iceUfrag(pc.currentLocalDescription?.sdp);
    return pending !== null && settled !== null && pending !== settled;
  }

  close(): void {
    this.#isClosed = true;
    this.#options.clock.clearTimeout(this.#firstOfferTimer);
    this.#firstOfferTimer = null;
    this.#pc.onnegotiationneeded = null;
    this.#pc.onicecandidate = null;
    this.events.clear();
  }

  #prepare(): void {
    if (this.#isReady) return;
    this.#options.clock.clearTimeout(this.#firstOfferTimer);
    this.#firstOfferTimer = null;
    this.#options.prepare();
    this.#isReady = true;
    this.events.emit('ready', undefined);
  }

  async #offer(): Promise<void> {
    // The waiting side never offers before it is prepared (see the first-offer gate above); an
    // offer already being made carries every change so far.
    if (!this.#isReady || this.#isClosed || this.#makingOffer) return;
    try {
      this.#makingOffer = true;
      await this.#pc.setLocalDescription();
      this.#sendLocalDescription();
    } catch {
      // The state moved on under us (a remote offer arrived); negotiation runs again.
    } finally {
      this.#makingOffer = false;
    }
  }

  #sendLocalDescription(): void {
    const description = this.#pc.localDescription;
    if (!description || this.#isClosed) return;
    const offer = description.type === 'answer' ? sessionOrigin(this.#pc.remoteDescription?.sdp) : null;
    const sdp = offer ? withAnswerTo(description.sdp, offer) : description.sdp;
    this.#options.sendSignal({ description: { type: description.type, sdp } });
    this.events.emit('negotiated', undefined);
  }

  async #apply(data: SignalData): Promise<void> {
    if (this.#isClosed) return;
    if (!('description' in data)) return this.#applyCandidate(data.candidate);
    const isOffer = data.description.type === 'offer';
    this.#isAnswering = isOffer;
    try {
      await this.#applyDescription(data.description);
    } finally {
      if (isOffer) {
        this.#isAnswering = false;
        this.events.emit('answered', undefined);
      }
    }
  }

  async #applyDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const pc = this.#pc;
    if (description.type === 'rollback') return;
    if (description.type === 'answer' && this.#isStaleAnswer(description.sdp ?? '')) return;
    if (description.type === 'offer' && this.#isAppliedOffer(description.sdp ?? '')) {
      // Sent again: our answer may have gone down with their dropped socket, so it goes again.
      if (pc.signalingState === 'stable' && pc.localDescription?.type === 'answer')
        this.#sendLocalDescription();
      return;
    }
    const isReadyForOffer =
      !this.#makingOffer && (pc.signalingState === 'stable' || this.#isSettingRemoteAnswerPending);
    const isOfferCollision = description.type === 'offer' && !isReadyForOffer;
    this.#ignoreOffer = !this.#options.polite && isOfferCollision;
    if (this.#ignoreOffer) return;
    this.#isSettingRemoteAnswerPending = description.type === 'answer';
    try {
      // For the polite side in a collision, the browser rolls back its own offer here.
      await pc.setRemoteDescription(withStartBitrate(description));
    } finally {
      this.#isSettingRemoteAnswerPending = false;
    }
    if (description.type !== 'offer') {
      this.events.emit('negotiated', undefined);
      return;
    }
    // The waiting side's media goes on the transceivers this first offer created.
    this.#prepare();
    await pc.setLocalDescription();
    this.#sendLocalDescription();
  }

  async #applyCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    try {
      // No argument = end of candidates.
      await (candidate ? this.#pc.addIceCandidate(candidate) : this.#pc.addIceCandidate());
    } catch {
      // Candidates of an offer we ignored fail by design (#ignoreOffer); a late
      // end-of-candidates is harmless.
    }
  }
}
