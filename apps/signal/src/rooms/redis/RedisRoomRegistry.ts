import { createHash, randomBytes } from 'node:crypto';
import {
  DisplayName,
  PeerId,
  PeerJoinedMessage,
  PeerLeftMessage,
  RelayedSignalMessage,
  type Peer,
  type RoomId,
  type SignalData,
} from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../password.ts';
import type {
  JoinOutcome,
  JoinRequest,
  RegistryHooks,
  RegistryStats,
  RoomEvent,
  RoomRegistry,
} from '../RoomRegistry.ts';

export interface RedisRoomRegistryOptions {
  url: string;
  capacity: number;
  hooks: RegistryHooks;
  log: FastifyBaseLogger;
  /** A process whose presence key is older than this is dead and its peers are swept. */
  presenceTtlMs?: number;
  /** Key prefix, so several deployments (or tests) can share one Redis. */
  prefix?: string;
}

const DEFAULT_PRESENCE_TTL_MS = 6000;

/** A member as stored in the room hash: its name and the process that owns its socket. */
const Member = z.object({ n: DisplayName, p: z.string() });

/** What travels between processes over pub/sub; parsed like any other boundary. */
const BusMessage = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('event'),
    to: PeerId,
    event: z.discriminatedUnion('type', [PeerJoinedMessage, PeerLeftMessage, RelayedSignalMessage]),
  }),
  z.object({ kind: z.literal('release'), peer: PeerId }),
  // A seat now belongs to another process (a cross-process resume): forget its cached owner.
  z.object({ kind: z.literal('moved'), peer: PeerId }),
]);
type BusMessage = z.infer<typeof BusMessage>;

function parseMember(text: string): z.infer<typeof Member> | undefined {
  try {
    const member = Member.safeParse(JSON.parse(text));
    return member.success ? member.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Seats a peer: creates the room (and sets or clears its password) when empty, otherwise
 * checks that the password the caller verified is still the room's, then the capacity.
 * All in one script, so two processes racing for the last seat never both get it.
 * KEYS: members, password, this process's seat set. ARGV: peerId, member, capacity,
 * verified password hash ('' for none), new password hash ('' for none), wants-password
 * flag, seat entry.
 */
const JOIN_SCRIPT = `
local count = redis.call('HLEN', KEYS[1])
if count == 0 then
  if ARGV[6] == '1' and ARGV[5] == '' then return {'retry'} end
  if ARGV[5] ~= '' then redis.call('SET', KEYS[2], ARGV[5]) else redis.call('DEL', KEYS[2]) end
else
  local current = redis.call('GET', KEYS[2]) or ''
  if current ~= ARGV[4] then return {'retry'} end
  if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {'taken'} end
  if count >= tonumber(ARGV[3]) then return {'full'} end
end
local members = redis.call('HGETALL', KEYS[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[7])
table.insert(members, 1, 'ok')
return members
`;

/**
 * Frees a seat; deletes the room and its password when it empties. Idempotent: only the
 * call that actually removed the seat gets the remaining members back, so a peer-left is
 * sent once even when several processes sweep the same dead one.
 * KEYS: members, password, owner's seat set. ARGV: peerId, seat entry.
 */
const LEAVE_SCRIPT = `
redis.call('SREM', KEYS[3], ARGV[2])
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return {'gone'} end
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
  return {'empty'}
end
local members = redis.call('HGETALL', KEYS[1])
table.insert(members, 1, 'left')
return members
`;

/**
 * Moves an existing seat with the same name to this process (cross-process resume).
 * KEYS: members, this process's seat set. ARGV: peerId, name, new member, seat entry,
 * prefix for the old owner's seat set.
 */
const CLAIM_SCRIPT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return {'gone'} end
local member = cjson.decode(raw)
if member.n ~= ARGV[2] then return {'mismatch'} end
redis.call('SREM', ARGV[5] .. member.p, ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
local members = redis.call('HGETALL', KEYS[1])
table.insert(members, 1, member.p)
table.insert(members, 1, 'ok')
return members
`;

/** Puts this process's seats back after Redis lost them (a restart without persistence). */
const RESTORE_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'NX') end
redis.call('SADD', KEYS[3], ARGV[4])
return 1
`;

interface LocalSeat {
  room: RoomId;
  name: string;
}

class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

const scripts = {
  join: new Script(JOIN_SCRIPT),
  leave: new Script(LEAVE_SCRIPT),
  claim: new Script(CLAIM_SCRIPT),
  restore: new Script(RESTORE_SCRIPT),
};

/**
 * Rooms shared by several processes through Redis (CONTRACT §3 scale-out, issue 7).
 * Membership and capacity live in one hash per room, changed only by Lua scripts;
 * events travel over pub/sub with one channel per process (Redis keeps the order of one
 * publisher's messages on a channel, which is all the A-to-B order promise needs); each
 * process refreshes a presence key and sweeps the seats of processes whose key expired.
 */
export class RedisRoomRegistry implements RoomRegistry {
  readonly processId = randomBytes(9).toString('base64url');
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #capacity: number;
  readonly #hooks: RegistryHooks;
  readonly #log: FastifyBaseLogger;
  readonly #presenceTtlMs: number;
  readonly #prefix: string;
  /** Seats owned by this process: the truth to restore into Redis after it lost them. */
  readonly #localSeats = new Map<PeerId, LocalSeat>();
  /** Password hash per room with local seats, for the same restore. */
  readonly #roomPasswords = new Map<RoomId, string>();
  /**
   * Which process owns the other peers of rooms this process has seats in, as Redis said, so
   * a relayed signal does not cost an HMGET each. An entry goes on the peer's peer-left (every
   * process with a seat in the room hears it), on a `moved` from the process that resumed it,
   * when this process has no seat left in the room, and whenever a Redis connection is re-made.
   */
  readonly #remoteOwners = new Map<PeerId, { room: RoomId; owner: string }>();
  /** Bumped on every `moved` and peer-left: an HMGET answer older than one is not cached. */
  #ownerEpoch = 0;
  #presenceTimer: NodeJS.Timeout | undefined;
  #hasBeenReady = false;
  #isClosed = false;

  constructor(options: RedisRoomRegistryOptions) {
    this.#capacity = options.capacity;
    this.#hooks = options.hooks;
    this.#log = options.log;
    this.#presenceTtlMs = options.presenceTtlMs ?? DEFAULT_PRESENCE_TTL_MS;
    this.#prefix = options.prefix ?? 'sig:';
    const clientOptions = {
      lazyConnect: true,
      // Fail fast while Redis is away instead of queueing joins for an unknown time; the
      // client sees its socket close and reconnects, and /healthz says 503 meanwhile.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 1000),
    };
    this.#commands = new Redis(options.url, clientOptions);
    this.#subscriber = new Redis(options.url, { ...clientOptions, enableOfflineQueue: true });
    for (const client of [this.#commands, this.#subscriber]) {
      client.on('error', (error: Error) =>
        this.#log.warn({ event: 'redis-error', err: error.message }, 'redis'),
      );
    }
    this.#commands.on('ready', () => void this.#onReady());
    // Bus messages published while the subscriber was away (a peer-left, a moved) are lost.
    this.#subscriber.on('ready', () => this.#remoteOwners.clear());
    this.#subscriber.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.#onBus(payload));
  }

  async open(timeoutMs: number): Promise<void> {
    const connecting = Promise.all([
      this.#commands.connect(),
      this.#subscriber.connect().then(() => this.#subscriber.subscribe(this.#channel(this.processId))),
    ]).catch((error: unknown) => {
      this.#log.warn({ event: 'redis-unavailable', err: String(error) }, 'redis not reachable yet');
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([connecting, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.#presenceTimer = setInterval(() => void this.#tick(), Math.max(50, this.#presenceTtlMs / 3));
  }

  isHealthy(): boolean {
    return this.#commands.status === 'ready' && this.#subscriber.status === 'ready';
  }

  async join({ room, peer, password }: JoinRequest): Promise<JoinOutcome> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const [currentHash, count] = await Promise.all([
        this.#commands.get(this.#passwordKey(room)),
        this.#commands.hlen(this.#membersKey(room)),
      ]);
      let verifiedHash = '';
      if (count > 0 && currentHash !== null) {
        if (password === undefined || !(await verifyPassword(password, currentHash))) {
          // The room may have emptied and been recreated meanwhile: only refuse if not.
          if ((await this.#commands.get(this.#passwordKey(room))) !== currentHash) continue;
          return { ok: false, code: 'wrong-password' };
        }
        verifiedHash = currentHash;
      }
      const newHash = count === 0 && password !== undefined ? await hashPassword(password) : '';
      const reply = (await this.#eval(
        scripts.join,
        [this.#membersKey(room), this.#passwordKey(room), this.#seatsKey(this.processId)],
        [
          peer.id,
          this.#member(peer.name),
          String(this.#capacity),
          verifiedHash,
          newHash,
          password === undefined ? '0' : '1',
          this.#seatEntry(room, peer.id),
        ],
      )) as string[];
      const [status, ...flat] = reply;
      if (status === 'retry') continue;
      if (status === 'full') return { ok: false, code: 'room-full' };
      // The PeerId already has a seat (a resume racing another): not a seat for this join.
      if (status === 'taken') return { ok: false, code: 'room-full' };
      this.#localSeats.set(peer.id, { room, name: peer.name });
      this.#roomPasswords.set(room, count === 0 ? newHash : verifiedHash);
      const members = this.#parseMembers(flat);
      for (const { peer: other, owner } of members) this.#rememberOwner(room, other.id, owner);
      await this.#broadcast(members, { type: 'peer-joined', peer });
      return { ok: true, peers: members.map(({ peer: other }) => other) };
    }
    // Only a room recreated over and over during one join gets here.
    return { ok: false, code: 'room-full' };
  }

  async leave(room: RoomId, peerId: PeerId): Promise<void> {
    this.#forgetLocal(peerId);
    await this.#leaveSeat(room, peerId, this.processId);
  }

  async relay(room: RoomId, from: PeerId, to: PeerId, data: SignalData): Promise<boolean> {
    if (to === from) return false;
    const signal: RoomEvent = { type: 'signal', from, data };
    // The sender's seat is this process's own (it restores it into Redis after an outage),
    // and the target's owner is known: no Redis round trip before delivering.
    const isSenderLocal = this.#localSeats.get(from)?.room === room;
    if (isSenderLocal) {
      if (this.#localSeats.get(to)?.room === room) {
        this.#deliverLocal(to, signal);
        return true;
      }
      const known = this.#remoteOwners.get(to);
      if (known !== undefined && known.room === room) {
        await this.#publish(known.owner, { kind: 'event', to, event: signal });
        return true;
      }
    }
    const epoch = this.#ownerEpoch;
    const [sender, target] = await this.#commands.hmget(this.#membersKey(room), from, to);
    if (sender == null || target == null) return false;
    const owner = parseMember(target);
    if (owner === undefined) return false;
    if (isSenderLocal && epoch === this.#ownerEpoch) this.#rememberOwner(room, to, owner.p);
    await this.#send(owner.p, to, signal);
    return true;
  }

  async checkPassword(room: RoomId, password: string | undefined): Promise<boolean> {
    const hash = await this.#commands.get(this.#passwordKey(room));
    if (hash === null) return true;
    return password !== undefined && verifyPassword(password, hash);
  }

  async isMember(room: RoomId, peerId: PeerId): Promise<boolean> {
    return (await this.#commands.hexists(this.#membersKey(room), peerId)) === 1;
  }

  async claim(room: RoomId, peer: Peer): Promise<Peer[] | undefined> {
    const reply = (await this.#eval(
      scripts.claim,
      [this.#membersKey(room), this.#seatsKey(this.processId)],
      [peer.id, peer.name, this.#member(peer.name), this.#seatEntry(room, peer.id), this.#seatsKey('')],
    )) as string[];
    const [status, previousOwner, ...flat] = reply;
    if (status !== 'ok' || previousOwner === undefined) return undefined;
    this.#localSeats.set(peer.id, { room, name: peer.name });
    this.#roomPasswords.set(room, (await this.#commands.get(this.#passwordKey(room))) ?? '');
    if (previousOwner !== this.processId)
      await this.#publish(previousOwner, { kind: 'release', peer: peer.id });
    this.#remoteOwners.delete(peer.id);
    const others = this.#parseMembers(flat).filter(({ peer: other }) => other.id !== peer.id);
    // Processes that cached the seat's old owner would keep sending its signals there.
    const owners = new Set(others.map(({ owner }) => owner));
    owners.delete(this.processId);
    owners.delete(previousOwner);
    await Promise.all([...owners].map((owner) => this.#publish(owner, { kind: 'moved', peer: peer.id })));
    for (const { peer: other, owner } of others) this.#rememberOwner(room, other.id, owner);
    return others.map(({ peer: other }) => other);
  }

  async stats(): Promise<RegistryStats> {
    const rooms = new Set<RoomId>();
    for (const seat of this.#localSeats.values()) rooms.add(seat.room);
    return { rooms: rooms.size, peers: this.#localSeats.size };
  }

  /**
   * Stops refreshing presence and disconnects. Seats stay in Redis on purpose: the
   * clients resume them on another process (or this one, restarted) within the grace;
   * if nobody does, the sweep frees them once the presence key expires.
   */
  async close(): Promise<void> {
    this.#isClosed = true;
    clearInterval(this.#presenceTimer);
    this.#subscriber.disconnect();
    this.#commands.disconnect();
  }

  async #leaveSeat(room: RoomId, peerId: PeerId, owner: string): Promise<void> {
    const reply = (await this.#eval(
      scripts.leave,
      [this.#membersKey(room), this.#passwordKey(room), this.#seatsKey(owner)],
      [peerId, this.#seatEntry(room, peerId)],
    )) as string[];
    const [status, ...flat] = reply;
    if (status !== 'left') return;
    await this.#broadcast(this.#parseMembers(flat), { type: 'peer-left', id: peerId });
  }

  async #broadcast(members: { peer: Peer; owner: string }[], event: RoomEvent): Promise<void> {
    await Promise.all(members.map(({ peer, owner }) => this.#send(owner, peer.id, event)));
  }

  async #send(owner: string, to: PeerId, event: RoomEvent): Promise<void> {
    if (owner === this.processId) {
      this.#deliverLocal(to, event);
      return;
    }
    await this.#publish(owner, { kind: 'event', to, event });
  }

  async #publish(owner: string, message: BusMessage): Promise<void> {
    await this.#commands.publish(this.#channel(owner), JSON.stringify(message));
  }

  #onBus(payload: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const parsed = BusMessage.safeParse(json);
    if (!parsed.success) {
      this.#log.warn({ event: 'bus-invalid' }, 'ignored an invalid bus message');
      return;
    }
    const message = parsed.data;
    if (message.kind === 'release') {
      this.#forgetLocal(message.peer);
      this.#hooks.release(message.peer);
      return;
    }
    if (message.kind === 'moved') {
      this.#ownerEpoch += 1;
      this.#remoteOwners.delete(message.peer);
      return;
    }
    this.#deliverLocal(message.to, message.event);
  }

  #deliverLocal(to: PeerId, event: RoomEvent): void {
    if (event.type === 'peer-left') {
      this.#ownerEpoch += 1;
      this.#remoteOwners.delete(event.id);
    }
    this.#hooks.deliver(to, event);
  }

  #rememberOwner(room: RoomId, peerId: PeerId, owner: string): void {
    if (owner === this.processId || !this.#roomPasswords.has(room)) return;
    this.#remoteOwners.set(peerId, { room, owner });
  }

  #forgetLocal(peerId: PeerId): void {
    const seat = this.#localSeats.get(peerId);
    if (seat === undefined) return;
    this.#localSeats.delete(peerId);
    const isRoomStillLocal = [...this.#localSeats.values()].some((other) => other.room === seat.room);
    if (isRoomStillLocal) return;
    this.#roomPasswords.delete(seat.room);
    // No seat here hears this room's peer-left any more: its cached owners would go stale.
    for (const [peerId, known] of this.#remoteOwners) {
      if (known.room === seat.room) this.#remoteOwners.delete(peerId);
    }
  }

  /** Every reconnect: put back what Redis lost, drop what it kept that we let go of. */
  async #onReady(): Promise<void> {
    const isReconnect = this.#hasBeenReady;
    this.#hasBeenReady = true;
    try {
      await this.#refreshPresence();
      if (!isReconnect) return;
      const seatsKey = this.#seatsKey(this.processId);
      for (const [peerId, seat] of this.#localSeats) {
        await this.#eval(
          scripts.restore,
          [this.#membersKey(seat.room), this.#passwordKey(seat.room), seatsKey],
          [
            peerId,
            this.#member(seat.name),
            this.#roomPasswords.get(seat.room) ?? '',
            this.#seatEntry(seat.room, peerId),
          ],
        );
      }
      for (const entry of await this.#commands.smembers(seatsKey)) {
        const [room, peerId] = entry.split('\n');
        if (room !== undefined && peerId !== undefined && !this.#localSeats.has(peerId)) {
          await this.#leaveSeat(room, peerId, this.processId);
        }
      }
      this.#log.info({ event: 'redis-restored', seats: this.#localSeats.size }, 'redis reconnected');
    } catch (error) {
      this.#log.warn({ event: 'redis-restore-failed', err: String(error) }, 'redis restore failed');
    }
  }

  async #tick(): Promise<void> {
    if (this.#isClosed || this.#commands.status !== 'ready') return;
    try {
      await this.#refreshPresence();
      await this.#sweep();
    } catch (error) {
      this.#log.warn({ event: 'redis-presence-failed', err: String(error) }, 'presence refresh failed');
    }
  }

  async #refreshPresence(): Promise<void> {
    await this.#commands
      .multi()
      .set(this.#presenceKey(this.processId), '1', 'PX', this.#presenceTtlMs)
      .sadd(this.#processesKey(), this.processId)
      .exec();
  }

  /** Frees the seats of processes that stopped refreshing their presence. */
  async #sweep(): Promise<void> {
    for (const process of await this.#commands.smembers(this.#processesKey())) {
      if (process === this.processId) continue;
      if ((await this.#commands.exists(this.#presenceKey(process))) === 1) continue;
      const entries = await this.#commands.smembers(this.#seatsKey(process));
      for (const entry of entries) {
        const [room, peerId] = entry.split('\n');
        if (room !== undefined && peerId !== undefined) await this.#leaveSeat(room, peerId, process);
      }
      if ((await this.#commands.scard(this.#seatsKey(process))) === 0) {
        await this.#commands.srem(this.#processesKey(), process);
      }
      this.#log.info({ event: 'process-swept', process, seats: entries.length }, 'freed a dead process');
    }
  }

  async #eval(script: Script, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.#commands.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.#commands.eval(script.source, keys.length, ...keys, ...args);
    }
  }

  #parseMembers(flat: string[]): { peer: Peer; owner: string }[] {
    const members: { peer: Peer; owner: string }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const id = flat[i] as string;
      const member = parseMember(flat[i + 1] as string);
      if (member !== undefined) members.push({ peer: { id, name: member.n }, owner: member.p });
    }
    return members;
  }

  #member(name: string): string {
    return JSON.stringify({ n: name, p: this.processId });
  }

  #seatEntry(room: RoomId, peerId: PeerId): string {
    return `${room}\n${peerId}`;
  }

  #membersKey(room: RoomId): string {
    return `${this.#prefix}room:{${room}}:members`;
  }

  #passwordKey(room: RoomId): string {
    return `${this.#prefix}room:{${room}}:password`;
  }

  #seatsKey(process: string): string {
    return `${this.#prefix}process:seats:${process}`;
  }

  #presenceKey(process: string): string {
    return `${this.#prefix}process:alive:${process}`;
  }

  #processesKey(): string {
    return `${this.#prefix}processes`;
  }

  #channel(process: string): string {
    return `${this.#prefix}to:${process}`;
  }
}
