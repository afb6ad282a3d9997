/**
 * Who is in the call and which connections go to whom, as the server's room events say:
 * the people a `joined` lists (seated as its kind demands, see SeatPolicy), people joining
 * and leaving, offers from someone not announced yet, the people a resumed seat's list is
 * still missing (Absences), and people the server lost who may come back (away: their
 * connection is kept). Every change goes to the Roster; connections to the transport.
 */
import { LIMITS, type LeaveReason, type Peer, type PeerId, type SignalData } from '@app/protocol';
import type { Clock } from '../clock.ts';
import type { MediaTransport } from '../rtc/MediaTransport.ts';
import { Absences } from './Absences.ts';
import type { Announcement } from './CallTypes.ts';
import type { Roster } from './Roster.ts';
import type { JoinedKind } from './SeatPolicy.ts';

export interface AttendanceOptions {
  roster: Roster;
  clock: Clock;
  transport: () => MediaTransport | null;
  /** How long an unlisted person may still come back after a resume. */
  absenceWaitMs: number;
  /** How long someone the server lost keeps their tile and connection (default LIMITS.awayGraceMs). */
  awayGraceMs?: number | undefined;
  announce: (announcement: Announcement) => void;
  /** Someone is gone for good: forget what other parts keep about them. */
  onGone: (peerId: PeerId) => void;
}

/**
 * A page that stood still longer than this and finds a connection dead when it is back makes
 * a new one rather than restarting ICE on it (see seat): the other side may have given it up.
 */
const LONG_FREEZE_MS = 10_000;
/**
 * After a freeze, how long a kept connection has to show that media arrives on it. A live one
 * carries audio packets every 20 ms and video frames every 33 ms.
 */
const FLOW_PROOF_MS = 1000;

/** Bytes received so far on the connection to `peerId`, or null without one. */
async function receivedBytes(transport: MediaTransport, peerId: PeerId): Promise<number | null> {
  const report = await transport.getStats(peerId).catch(() => null);
  if (!report) return null;
  let total = 0;
  report.forEach((entry: { type?: string; bytesReceived?: number }) => {
    if (entry.type === 'transport') total += entry.bytesReceived ?? 0;
  });
  return total;
}

export class Attendance {
  readonly #options: AttendanceOptions;
  readonly #absences: Absences;
  /** People the server lost (`peer-left` reason `lost`): gone for good when their wait ends. */
  readonly #away: Absences;
  /** When we learned of people who came after us: their set-up time starts there. */
  readonly #learnedAt = new Map<PeerId, number>();

  constructor(options: AttendanceOptions) {
    this.#options = options;
    this.#absences = new Absences(options.clock, options.absenceWaitMs, (id) => {
      if (options.transport()?.connectionState(id) !== 'connected') this.peerLeft(id);
    });
    this.#away = new Absences(options.clock, options.awayGraceMs ?? LIMITS.awayGraceMs, (id) =>
      this.peerLeft(id),
    );
  }

  /** When set-up towards this person started, or null if they were here before us. */
  learnedAt(peerId: PeerId): number | null {
    return this.#learnedAt.get(peerId) ?? null;
  }

  /**
   * Seats the people a `joined` listed, as its kind says (see SeatPolicy). `frozenMs`: how
   * long this page stood still just before (a suspended or frozen browser), 0 if it did not.
   */
  seat(kind: JoinedKind, peers: Peer[], frozenMs = 0): void {
    const { roster } = this.#options;
    const transport = this.#options.transport();
    if (!transport) return;
    if (kind === 'entered') {
      for (const peer of peers) this.#add(peer, true);
      this.#options.announce({ kind: 'entered', names: peers.map((peer) => peer.name) });
      return;
    }
    const listed = new Set(peers.map((peer) => peer.id));
    for (const id of roster.ids()) {
      if (listed.has(id)) continue;
      // Only a resumed seat's list may be missing people who are on their way back. After a
      // return, someone unlisted whose connection still works was probably lost by the server
      // too (one busy machine, two missed pongs): wait for them as the others do.
      if (kind === 'resumed') this.#absences.expect(id);
      else if (kind === 'returned' && transport.connectionState(id) === 'connected')
        this.peerLeft(id, 'lost');
      else this.peerLeft(id);
    }
    for (const peer of peers) {
      this.#absences.confirm(peer.id);
      this.#back(peer.id);
      roster.add(peer);
      const state = transport.connectionState(peer.id);
      const isAlive = state !== null && state !== 'failed' && state !== 'closed';
      // A live connection survives a resume. After the server lost us (a frozen browser), the
      // others kept theirs and it comes back by itself within a second; renegotiating it then
      // sometimes leaves Chromium decoding video it never shows. So it is left alone unless
      // nothing arrives on it: then ICE restarts, or after a long freeze (the others may have
      // given up on it) a new connection is offered.
      if (kind === 'new-identity' || !isAlive) transport.connect(peer, true);
      else if (kind === 'returned') {
        const isLongFrozen = frozenMs > LONG_FREEZE_MS;
        void this.#unlessFlowing(transport, peer, () =>
          isLongFrozen ? transport.connect(peer, true) : transport.restart(peer.id),
        );
      }
    }
  }

  peerJoined(peer: Peer): void {
    this.#absences.confirm(peer.id);
    if (this.#options.roster.has(peer.id) && this.#options.transport()?.isConnectedTo(peer.id)) {
      // Back after a server restart, or after the server lost them (a frozen browser): the
      // connection to them is still there; keep it.
      this.#back(peer.id);
      this.#options.roster.add(peer);
      return;
    }
    this.#add(peer, false);
    this.#options.announce({ kind: 'joined', name: peer.name });
  }

  peerLeft(peerId: PeerId, reason: LeaveReason = 'left'): void {
    this.#absences.confirm(peerId);
    const { roster } = this.#options;
    if (reason === 'lost' && roster.has(peerId) && this.#options.transport()?.isConnectedTo(peerId)) {
      // Maybe a frozen browser that will run again any moment: keep its tile and connection.
      this.#away.expect(peerId);
      roster.update(peerId, { isAway: true });
      this.#options.transport()?.setAway(peerId, true);
      return;
    }
    this.#away.confirm(peerId);
    if (!roster.has(peerId)) return;
    this.#options.transport()?.disconnect(peerId);
    this.#learnedAt.delete(peerId);
    this.#options.onGone(peerId);
    const participant = this.#options.roster.remove(peerId);
    if (participant) this.#options.announce({ kind: 'left', name: participant.name });
  }

  signal(from: PeerId, data: SignalData): void {
    const transport = this.#options.transport();
    if (!transport) return;
    if (!this.#options.roster.has(from)) {
      // An offer from someone we have not been told about yet: answer it (their name follows).
      if (!('description' in data) || data.description.type !== 'offer') return;
      this.#options.roster.add({ id: from, name: '' });
      this.#learnedAt.set(from, this.#options.clock.now());
    }
    transport.handleSignal(from, data);
  }

  /** Everyone is gone at once (a new identity, or the call ended): no announcements. */
  clear(): void {
    this.#absences.clear();
    this.#away.clear();
    for (const id of this.#options.roster.ids()) this.#options.onGone(id);
    this.#options.roster.clear();
    this.#learnedAt.clear();
  }

  /** Someone the server had lost is back under the same PeerId. */
  #back(peerId: PeerId): void {
    if (!this.#away.has(peerId)) return;
    this.#away.confirm(peerId);
    this.#options.roster.update(peerId, { isAway: false });
    this.#options.transport()?.setAway(peerId, false);
  }

  /** Runs `recover` unless media arrives on the connection to `peer` within FLOW_PROOF_MS. */
  async #unlessFlowing(transport: MediaTransport, peer: Peer, recover: () => void): Promise<void> {
    const before = await receivedBytes(transport, peer.id);
    this.#options.clock.setTimeout(() => {
      void receivedBytes(transport, peer.id).then((after) => {
        if (this.#options.transport() !== transport || !this.#options.roster.has(peer.id)) return;
        const isFlowing = before !== null && after !== null && after > before;
        if (!isFlowing || transport.connectionState(peer.id) !== 'connected') recover();
      });
    }, FLOW_PROOF_MS);
  }

  #add(peer: Peer, weStart: boolean): void {
    this.#options.roster.add(peer);
    if (!weStart) this.#learnedAt.set(peer.id, this.#options.clock.now());
    this.#options.transport()?.connect(peer, weStart);
  }
}
