import { randomBytes } from 'node:crypto';
import type { LeaveReason, Peer, PeerId, Reaction, RoomId, SignalData, TopologyMessage } from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { hashPassword, verifyPassword } from '../password.ts';
import {
  DEPARTURE_MEMORY_MS,
  type JoinOutcome,
  type JoinRequest,
  type RegistryHooks,
  type RegistryStats,
  type RoomEvent,
  type RoomMedia,
  type RoomRegistry,
} from '../RoomRegistry.ts';
import { Bus, type BusMessage } from './Bus.ts';
import { createClients } from './clients.ts';
import { RedisKeys } from './keys.ts';
import { LocalSeats } from './LocalSeats.ts';
import { OwnerCache } from './OwnerCache.ts';
import { Presence } from './Presence.ts';
import { encodeMedia, flatten, parseMedia, parseMember, parseMembers, type Member } from './records.ts';
import { SeatScripts } from './scripts.ts';
import { SharedDraining } from './SharedDraining.ts';

export interface RedisRoomRegistryOptions {
  /** ioredis's client class, which the caller loads only when Redis is configured. */
  Redis: typeof Redis;
  url: string;
  capacity: number;
  hooks: RegistryHooks;
  log: FastifyBaseLogger;
  /** A process whose presence key is older than this is dead and its peers are swept. */
  presenceTtlMs?: number | undefined;
  /** Key prefix, so several deployments (or tests) can share one Redis. */
  prefix?: string;
  /** How often the draining media servers are read again (a missed message heals by then). */
  drainingReadMs?: number | undefined;
}

/** A join gives up after this many races with the room being emptied and recreated. */
const JOIN_ATTEMPTS = 5;

/**
 * Rooms shared by several processes through Redis, so that peers on different processes
 * join, signal, see each other leave and respect one capacity as if on one process.
 * Membership and capacity live in one hash per room, changed only by scripts (scripts.ts);
 * events travel over pub/sub (Bus.ts); the owners of remote peers are cached (OwnerCache.ts);
 * each process keeps its presence and sweeps dead ones (Presence.ts); and the draining media
 * servers are one set for all (SharedDraining.ts).
 */
export class RedisRoomRegistry implements RoomRegistry {
  readonly processId = randomBytes(9).toString('base64url');
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #capacity: number;
  readonly #hooks: RegistryHooks;
  readonly #log: FastifyBaseLogger;
  readonly #keys: RedisKeys;
  readonly #scripts: SeatScripts;
  readonly #bus: Bus;
  readonly #local = new LocalSeats();
  readonly #owners: OwnerCache;
  readonly #presence: Presence;
  readonly #draining: SharedDraining;

  constructor(options: RedisRoomRegistryOptions) {
    this.#capacity = options.capacity;
    this.#hooks = options.hooks;
    this.#log = options.log;
    this.#keys = new RedisKeys(options.prefix);
    const clients = createClients(options);
    this.#commands = clients.commands;
    this.#subscriber = clients.subscriber;
    this.#scripts = new SeatScripts(this.#commands, this.#keys, this.processId);
    this.#owners = new OwnerCache(this.processId, (room) => this.#local.hasRoom(room));
    const shared = { commands: this.#commands, keys: this.#keys, processId: this.processId, log: this.#log };
    this.#bus = new Bus({
      ...shared,
      subscriber: this.#subscriber,
      onMessage: (message) => this.#onBus(message),
    });
    this.#presence = new Presence({
      ...shared,
      scripts: this.#scripts,
      ttlMs: options.presenceTtlMs,
      localSeats: this.#local,
      freeSeat: (room, peerId, owner) => this.#freeSeat(room, peerId, owner),
    });
    this.#draining = new SharedDraining({
      ...shared,
      bus: this.#bus,
      readEveryMs: options.drainingReadMs,
      onChange: (servers, moveNow) => this.#hooks.draining?.(servers, moveNow),
    });
    this.#commands.on('ready', () => void this.#presence.onReady());
    // Bus messages published while the subscriber was away (a peer-left, a moved) are lost.
    this.#subscriber.on('ready', () => this.#owners.clear());
  }

  async open(timeoutMs: number): Promise<void> {
    const connecting = Promise.all([this.#commands.connect(), this.#bus.listen()]).catch((error: unknown) => {
      this.#log.warn({ event: 'redis-unavailable', err: String(error) }, 'redis not reachable yet');
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([connecting, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.#presence.start();
    await this.#draining.start();
  }

  isHealthy(): boolean {
    return this.#commands.status === 'ready' && this.#subscriber.status === 'ready';
  }

  async join({ room, peer, password, capacity }: JoinRequest): Promise<JoinOutcome> {
    for (let attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
      const passwordKey = this.#keys.password(room);
      const [currentHash, count] = await Promise.all([
        this.#commands.get(passwordKey),
        this.#commands.hlen(this.#keys.members(room)),
      ]);
      let verifiedHash = '';
      if (count > 0 && currentHash !== null) {
        if (password === undefined || !(await verifyPassword(password, currentHash))) {
          // The room may have emptied and been recreated meanwhile: only refuse if not.
          if ((await this.#commands.get(passwordKey)) !== currentHash) continue;
          return { ok: false, code: 'wrong-password' };
        }
        verifiedHash = currentHash;
      }
      const newHash = count === 0 && password !== undefined ? await hashPassword(password) : '';
      const reply = await this.#scripts.join({
        room,
        peer,
        capacity: Math.min(capacity ?? this.#capacity, this.#capacity),
        verifiedHash,
        newHash,
        wantsPassword: password !== undefined,
      });
      if (reply.status === 'retry') continue;
      // 'full', or 'taken': the PeerId already has a seat (a resume racing another), which
      // is not a seat for this join either.
      if (reply.status !== 'ok') return { ok: false, code: 'room-full' };
      this.#local.add(peer.id, room, peer.name);
      this.#local.setRoomPassword(room, count === 0 ? newHash : verifiedHash);
      for (const { peer: other, owner } of reply.members) this.#owners.remember(room, other.id, owner);
      await this.#broadcast(reply.members, { type: 'peer-joined', peer });
      await this.#commands.del(this.#keys.departed(room, peer.id));
      return { ok: true, peers: await this.#withHands(room, reply.members) };
    }
    // Only a room recreated over and over during one join gets here.
    return { ok: false, code: 'room-full' };
  }

  async leave(room: RoomId, peerId: PeerId, reason: LeaveReason = 'left'): Promise<void> {
    this.#forgetLocal(peerId);
    await this.#freeSeat(room, peerId, this.processId, reason);
  }

  async hasDeparted(room: RoomId, peerId: PeerId): Promise<boolean> {
    return (await this.#commands.exists(this.#keys.departed(room, peerId))) === 1;
  }

  relay(room: RoomId, from: PeerId, to: PeerId, data: SignalData): boolean | Promise<boolean> {
    if (to === from) return false;
    const signal: RoomEvent = { type: 'signal', from, data };
    // The sender's seat is this process's own (it restores it into Redis after an outage),
    // and the target's owner is known: no Redis round trip, and no promise, before
    // delivering it here or queueing it for the owner's batch.
    const isSenderLocal = this.#local.roomOf(from) === room;
    if (isSenderLocal) {
      if (this.#local.roomOf(to) === room) {
        this.#deliverLocal(to, signal);
        return true;
      }
      const owner = this.#owners.ownerOf(to, room);
      if (owner !== undefined) {
        this.#bus.send(owner, { kind: 'event', to, event: signal });
        return true;
      }
    }
    return this.#relayAsked(room, from, to, signal, isSenderLocal);
  }

  /** A relay to a peer whose owner this process does not know yet: Redis says. */
  async #relayAsked(
    room: RoomId,
    from: PeerId,
    to: PeerId,
    signal: RoomEvent,
    isSenderLocal: boolean,
  ): Promise<boolean> {
    const epoch = this.#owners.epoch;
    const [sender, target] = await this.#commands.hmget(this.#keys.members(room), from, to);
    if (sender == null || target == null) return false;
    const member = parseMember(target);
    if (member === undefined) return false;
    if (isSenderLocal) this.#owners.remember(room, to, member.p, epoch);
    await this.#send(member.p, to, signal);
    return true;
  }

  async checkPassword(room: RoomId, password: string | undefined): Promise<boolean> {
    const hash = await this.#commands.get(this.#keys.password(room));
    if (hash === null) return true;
    return password !== undefined && verifyPassword(password, hash);
  }

  async isMember(room: RoomId, peerId: PeerId): Promise<boolean> {
    return (await this.#commands.hexists(this.#keys.members(room), peerId)) === 1;
  }

  async claim(room: RoomId, peer: Peer): Promise<Peer[] | undefined> {
    const reply = await this.#scripts.claim(room, peer);
    if (reply.status !== 'ok') return undefined;
    const { previousOwner } = reply;
    this.#local.add(peer.id, room, peer.name);
    this.#local.setRoomPassword(room, (await this.#commands.get(this.#keys.password(room))) ?? '');
    if (previousOwner !== this.processId)
      await this.#bus.publish(previousOwner, { kind: 'release', peer: peer.id });
    this.#owners.forget(peer.id);
    const others = reply.members.filter(({ peer: other }) => other.id !== peer.id);
    // Processes that cached the seat's old owner would keep sending its signals there.
    const owners = new Set(others.map(({ owner }) => owner));
    owners.delete(this.processId);
    owners.delete(previousOwner);
    await Promise.all([...owners].map((owner) => this.#bus.publish(owner, { kind: 'moved', peer: peer.id })));
    for (const { peer: other, owner } of others) this.#owners.remember(room, other.id, owner);
    return this.#withHands(room, others);
  }

  async setHand(room: RoomId, peerId: PeerId, isRaised: boolean): Promise<boolean> {
    const reply = await this.#scripts.setHand(room, peerId, isRaised);
    if (reply.status === 'gone') return false;
    if (reply.status === 'changed')
      await this.#broadcast(reply.members, { type: 'hand', id: peerId, raised: isRaised });
    return true;
  }

  async react(room: RoomId, from: PeerId, emoji: Reaction): Promise<boolean> {
    const records = await this.#commands.hgetall(this.#keys.members(room));
    const members = parseMembers(flatten(records));
    if (!members.some(({ peer }) => peer.id === from)) return false;
    await this.#broadcast(members, { type: 'reaction', from, emoji });
    return true;
  }

  async size(room: RoomId): Promise<number> {
    return this.#commands.hlen(this.#keys.members(room));
  }

  async broadcast(room: RoomId, event: TopologyMessage, except?: PeerId): Promise<void> {
    const members = parseMembers(await this.#commands.hgetall(this.#keys.members(room)).then(flatten));
    await this.#broadcast(
      members.filter(({ peer }) => peer.id !== except),
      event,
    );
  }

  async mediaOf(room: RoomId): Promise<RoomMedia | undefined> {
    return parseMedia(await this.#commands.get(this.#keys.media(room)));
  }

  async setMedia(room: RoomId, expectedVersion: number, media: RoomMedia): Promise<boolean> {
    return this.#scripts.setMedia(room, expectedVersion, encodeMedia(media));
  }

  setDraining(index: number, isDraining: boolean, moveNow = false): Promise<void> {
    return this.#draining.set(index, isDraining, moveNow);
  }

  draining(): Promise<number[]> {
    return this.#draining.list();
  }

  async stats(): Promise<RegistryStats> {
    return { rooms: this.#local.roomCount(), peers: this.#local.size };
  }

  /**
   * Stops refreshing presence and disconnects. Seats stay in Redis on purpose: the
   * clients resume them on another process (or this one, restarted) within the grace;
   * if nobody does, the sweep frees them once the presence key expires.
   */
  async close(): Promise<void> {
    this.#presence.stop();
    this.#draining.stop();
    // What this turn queued still goes: the socket writes it before closing.
    if (this.#commands.status === 'ready') this.#bus.flush();
    this.#subscriber.disconnect();
    this.#commands.disconnect();
  }

  /** Frees a seat `owner` held (this process, or a dead one being swept); the room hears peer-left. */
  async #freeSeat(room: RoomId, peerId: PeerId, owner: string, reason: LeaveReason = 'left'): Promise<void> {
    const reply = await this.#scripts.leave(room, peerId, owner);
    if (reply.status === 'empty' && 'media' in reply) {
      const media = parseMedia(reply.media);
      if (media !== undefined) this.#hooks.roomClosed?.(room, media);
    }
    if (reply.status !== 'left') return;
    await this.#commands.set(this.#keys.departed(room, peerId), '1', 'PX', DEPARTURE_MEMORY_MS);
    await this.#broadcast(reply.members, { type: 'peer-left', id: peerId, reason });
  }

  /** The members as `Peer`s, `hand: true` on those whose hand is up. */
  async #withHands(room: RoomId, members: readonly Member[]): Promise<Peer[]> {
    const raised = members.length === 0 ? {} : await this.#commands.hgetall(this.#keys.hands(room));
    return members.map(({ peer }) => (raised[peer.id] === undefined ? peer : { ...peer, hand: true }));
  }

  async #broadcast(members: readonly Member[], event: RoomEvent): Promise<void> {
    await Promise.all(members.map(({ peer, owner }) => this.#send(owner, peer.id, event)));
  }

  async #send(owner: string, to: PeerId, event: RoomEvent): Promise<void> {
    if (owner !== this.processId) return this.#bus.publish(owner, { kind: 'event', to, event });
    this.#deliverLocal(to, event);
  }

  #onBus(message: BusMessage): void {
    switch (message.kind) {
      case 'release':
        this.#forgetLocal(message.peer);
        this.#hooks.release(message.peer);
        return;
      case 'moved':
        this.#owners.forget(message.peer);
        return;
      case 'event':
        this.#deliverLocal(message.to, message.event);
        return;
      case 'draining':
        void this.#draining.changed(message.from, message.moveNow);
        return;
    }
  }

  #deliverLocal(to: PeerId, event: RoomEvent): void {
    if (event.type === 'peer-left') this.#owners.forget(event.id);
    this.#hooks.deliver(to, event);
  }

  #forgetLocal(peerId: PeerId): void {
    const emptied = this.#local.remove(peerId);
    // No seat here hears this room's peer-left any more: its cached owners would go stale.
    if (emptied !== undefined) this.#owners.forgetRoom(emptied);
  }
}
