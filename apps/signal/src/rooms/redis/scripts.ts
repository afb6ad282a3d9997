/**
 * The Lua scripts that change room membership, so that each change is one atomic step even
 * with several processes racing. ioredis's `defineCommand` runs them (EVALSHA, loading the
 * source again after Redis lost its script cache); their replies are parsed with zod like
 * any other boundary.
 */
import type { Peer, PeerId, RoomId } from '@app/protocol';
import type { ClientContext, Redis, Result } from 'ioredis';
import * as z from 'zod';
import type { RedisKeys } from './keys.ts';
import { encodeMember, parseMembers, seatEntry } from './records.ts';

/**
 * Seats a peer: creates the room (and sets or clears its password, and drops any hands and
 * media record a crashed process left) when empty, otherwise checks that the password the
 * caller verified is still the room's, then the capacity. Two processes racing for the last
 * seat never both get it.
 * KEYS: members, password, this process's seat set, hands, media. ARGV: peerId, member, capacity,
 * verified password hash ('' for none), new password hash ('' for none), wants-password
 * flag, seat entry.
 */
const JOIN_LUA = `
local count = redis.call('HLEN', KEYS[1])
if count == 0 then
  if ARGV[6] == '1' and ARGV[5] == '' then return {'retry'} end
  redis.call('DEL', KEYS[4], KEYS[5])
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
 * Frees a seat; deletes the room, its password, hands and media record when it empties (the
 * media record comes back, so the caller can let go of the media-server room). Idempotent:
 * only the call that actually removed the seat gets the remaining members back, so a
 * peer-left is sent once even when several processes sweep the same dead one. Leaving
 * lowers the hand.
 * KEYS: members, password, owner's seat set, hands, media. ARGV: peerId, seat entry.
 */
const LEAVE_LUA = `
redis.call('SREM', KEYS[3], ARGV[2])
redis.call('HDEL', KEYS[4], ARGV[1])
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return {'gone'} end
if redis.call('HLEN', KEYS[1]) == 0 then
  local media = redis.call('GET', KEYS[5])
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], KEYS[5])
  if media then return {'empty', media} end
  return {'empty'}
end
local members = redis.call('HGETALL', KEYS[1])
table.insert(members, 1, 'left')
return members
`;

/**
 * Replaces a room's media record if its version is still the one the caller decided on
 * (0: none yet) and the room exists. KEYS: members, media. ARGV: expected version, record.
 */
const SET_MEDIA_LUA = `
if redis.call('HLEN', KEYS[1]) == 0 then return 0 end
local current = redis.call('GET', KEYS[2])
local version = 0
if current then version = cjson.decode(current).version end
if tostring(version) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

/**
 * Raises or lowers a member's hand, only while it has a seat (a hand set after a leave would
 * outlive it). Answers the members to tell when that changed something.
 * KEYS: members, hands. ARGV: peerId, '1' to raise or '0' to lower.
 */
const HAND_LUA = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return {'gone'} end
local changed
if ARGV[2] == '1' then changed = redis.call('HSET', KEYS[2], ARGV[1], '1')
else changed = redis.call('HDEL', KEYS[2], ARGV[1]) end
if changed == 0 then return {'same'} end
local members = redis.call('HGETALL', KEYS[1])
table.insert(members, 1, 'changed')
return members
`;

/**
 * Moves an existing seat with the same name to this process (a resume that reached another
 * process). KEYS: members, this process's seat set. ARGV: peerId, name, new member, seat
 * entry, prefix of the old owner's seat set.
 */
const CLAIM_LUA = `
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

/**
 * Puts one of this process's seats back after Redis lost it (a restart without persistence).
 * KEYS: members, password, this process's seat set. ARGV: peerId, member, password hash
 * ('' for none), seat entry.
 */
const RESTORE_LUA = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'NX') end
redis.call('SADD', KEYS[3], ARGV[4])
return 1
`;

type Key = string;
type Arg = string;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    callroomJoin(
      ...args: [Key, Key, Key, Key, Key, Arg, Arg, Arg, Arg, Arg, Arg, Arg]
    ): Result<unknown, Context>;
    callroomLeave(...args: [Key, Key, Key, Key, Key, Arg, Arg]): Result<unknown, Context>;
    callroomSetMedia(...args: [Key, Key, Arg, Arg]): Result<unknown, Context>;
    callroomHand(...args: [Key, Key, Arg, Arg]): Result<unknown, Context>;
    callroomClaim(...args: [Key, Key, Arg, Arg, Arg, Arg, Arg]): Result<unknown, Context>;
    callroomRestore(...args: [Key, Key, Key, Arg, Arg, Arg, Arg]): Result<unknown, Context>;
  }
}

const JoinReply = z.union([
  z.tuple([z.enum(['retry', 'taken', 'full'])]).transform(([status]) => ({ status })),
  z
    .tuple([z.literal('ok')], z.string())
    .transform(([status, ...flat]) => ({ status, members: parseMembers(flat) })),
]);
export type JoinReply = z.output<typeof JoinReply>;

const LeaveReply = z.union([
  z.tuple([z.enum(['gone', 'empty'])]).transform(([status]) => ({ status })),
  z.tuple([z.literal('empty'), z.string()]).transform(([status, media]) => ({ status, media })),
  z
    .tuple([z.literal('left')], z.string())
    .transform(([status, ...flat]) => ({ status, members: parseMembers(flat) })),
]);
export type LeaveReply = z.output<typeof LeaveReply>;

const HandReply = z.union([
  z.tuple([z.enum(['gone', 'same'])]).transform(([status]) => ({ status })),
  z
    .tuple([z.literal('changed')], z.string())
    .transform(([status, ...flat]) => ({ status, members: parseMembers(flat) })),
]);
export type HandReply = z.output<typeof HandReply>;

const ClaimReply = z.union([
  z.tuple([z.enum(['gone', 'mismatch'])]).transform(([status]) => ({ status })),
  z.tuple([z.literal('ok'), z.string()], z.string()).transform(([status, previousOwner, ...flat]) => ({
    status,
    previousOwner,
    members: parseMembers(flat),
  })),
]);
export type ClaimReply = z.output<typeof ClaimReply>;

const RestoreReply = z.literal(1);
const SetMediaReply = z.union([z.literal(0), z.literal(1)]);

function parseReply<T>(schema: z.ZodType<T>, script: string, reply: unknown): T {
  const parsed = schema.safeParse(reply);
  if (parsed.success) return parsed.data;
  throw new Error(`unexpected reply from the ${script} script`);
}

export interface JoinSeat {
  room: RoomId;
  peer: Peer;
  capacity: number;
  /** The room's current password hash as the caller verified it ('' for none). */
  verifiedHash: string;
  /** The hash to set if the room is created ('' for none). */
  newHash: string;
  wantsPassword: boolean;
}

/** The scripts, bound to one connection and this process's identity. */
export class SeatScripts {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #processId: string;

  constructor(redis: Redis, keys: RedisKeys, processId: string) {
    this.#redis = redis;
    this.#keys = keys;
    this.#processId = processId;
    redis.defineCommand('callroomJoin', { numberOfKeys: 5, lua: JOIN_LUA });
    redis.defineCommand('callroomLeave', { numberOfKeys: 5, lua: LEAVE_LUA });
    redis.defineCommand('callroomSetMedia', { numberOfKeys: 2, lua: SET_MEDIA_LUA });
    redis.defineCommand('callroomHand', { numberOfKeys: 2, lua: HAND_LUA });
    redis.defineCommand('callroomClaim', { numberOfKeys: 2, lua: CLAIM_LUA });
    redis.defineCommand('callroomRestore', { numberOfKeys: 3, lua: RESTORE_LUA });
  }

  async join(seat: JoinSeat): Promise<JoinReply> {
    const { room, peer } = seat;
    const reply = await this.#redis.callroomJoin(
      this.#keys.members(room),
      this.#keys.password(room),
      this.#keys.seats(this.#processId),
      this.#keys.hands(room),
      this.#keys.media(room),
      peer.id,
      encodeMember(peer.name, this.#processId),
      String(seat.capacity),
      seat.verifiedHash,
      seat.newHash,
      seat.wantsPassword ? '1' : '0',
      seatEntry(room, peer.id),
    );
    return parseReply(JoinReply, 'join', reply);
  }

  /** Frees `peerId`'s seat, which `owner` (this process or a dead one) held. */
  async leave(room: RoomId, peerId: PeerId, owner: string): Promise<LeaveReply> {
    const reply = await this.#redis.callroomLeave(
      this.#keys.members(room),
      this.#keys.password(room),
      this.#keys.seats(owner),
      this.#keys.hands(room),
      this.#keys.media(room),
      peerId,
      seatEntry(room, peerId),
    );
    return parseReply(LeaveReply, 'leave', reply);
  }

  /** Replaces the room's media record (JSON) if its version is still `expectedVersion`. */
  async setMedia(room: RoomId, expectedVersion: number, record: string): Promise<boolean> {
    const reply = await this.#redis.callroomSetMedia(
      this.#keys.members(room),
      this.#keys.media(room),
      String(expectedVersion),
      record,
    );
    return parseReply(SetMediaReply, 'set-media', reply) === 1;
  }

  async setHand(room: RoomId, peerId: PeerId, isRaised: boolean): Promise<HandReply> {
    const reply = await this.#redis.callroomHand(
      this.#keys.members(room),
      this.#keys.hands(room),
      peerId,
      isRaised ? '1' : '0',
    );
    return parseReply(HandReply, 'hand', reply);
  }

  async claim(room: RoomId, peer: Peer): Promise<ClaimReply> {
    const reply = await this.#redis.callroomClaim(
      this.#keys.members(room),
      this.#keys.seats(this.#processId),
      peer.id,
      peer.name,
      encodeMember(peer.name, this.#processId),
      seatEntry(room, peer.id),
      this.#keys.seatsPrefix,
    );
    return parseReply(ClaimReply, 'claim', reply);
  }

  async restore(room: RoomId, peer: Peer, passwordHash: string): Promise<void> {
    const reply = await this.#redis.callroomRestore(
      this.#keys.members(room),
      this.#keys.password(room),
      this.#keys.seats(this.#processId),
      peer.id,
      encodeMember(peer.name, this.#processId),
      passwordHash,
      seatEntry(room, peer.id),
    );
    parseReply(RestoreReply, 'restore', reply);
  }
}
