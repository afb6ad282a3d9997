import { DisplayName, Topology, type Peer, type PeerId, type RoomId } from '@app/protocol';
import * as z from 'zod';
import type { RoomMedia } from '../RoomRegistry.ts';

/** A room's media record as stored (see RoomRegistry's RoomMedia). */
const MediaRecord = z.object({
  topology: Topology,
  version: z.int().positive(),
  server: z.string().optional(),
});

export function encodeMedia(media: RoomMedia): string {
  return JSON.stringify(MediaRecord.parse(media));
}

/** Undefined for anything that is not a media record. */
export function parseMedia(text: string | null | undefined): RoomMedia | undefined {
  if (text === null || text === undefined) return undefined;
  try {
    const media = MediaRecord.safeParse(JSON.parse(text));
    return media.success ? media.data : undefined;
  } catch {
    return undefined;
  }
}

/** A member as stored in the room hash: its name and the process that owns its socket. */
const MemberRecord = z.object({ n: DisplayName, p: z.string() });
type MemberRecord = z.infer<typeof MemberRecord>;

/** A member of a room and the process its messages go to. */
export interface Member {
  peer: Peer;
  owner: string;
}

export function encodeMember(name: string, owner: string): string {
  return JSON.stringify({ n: name, p: owner } satisfies MemberRecord);
}

/** Undefined for anything that is not a member record (Redis is a boundary like any other). */
export function parseMember(text: string): MemberRecord | undefined {
  try {
    const member = MemberRecord.safeParse(JSON.parse(text));
    return member.success ? member.data : undefined;
  } catch {
    return undefined;
  }
}

/** HGETALL's flat `[id, record, id, record, ...]`; unreadable records are left out. */
/** HGETALL's object reply as the flat `[field, value, ...]` list the record parsers read. */
export function flatten(record: Record<string, string>): string[] {
  return Object.entries(record).flat();
}

export function parseMembers(flat: readonly string[]): Member[] {
  const members: Member[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const id = flat[i] as string;
    const member = parseMember(flat[i + 1] as string);
    if (member !== undefined) members.push({ peer: { id, name: member.n }, owner: member.p });
  }
  return members;
}

/** An entry of a process's seat set. Neither part can hold a newline (RoomId and PeerId are base64url-like). */
export function seatEntry(room: RoomId, peerId: PeerId): string {
  return `${room}\n${peerId}`;
}

export function parseSeatEntry(entry: string): { room: RoomId; peerId: PeerId } | undefined {
  const [room, peerId] = entry.split('\n');
  return room !== undefined && peerId !== undefined ? { room, peerId } : undefined;
}
