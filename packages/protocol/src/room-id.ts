/**
 * The room name rule without zod: the landing page and the router check names with it, and a
 * page that only shows the landing should not download the schema library to do so. The
 * `RoomId` schema is built on this same pattern, so the rule is written once.
 */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isRoomId(value: string): boolean {
  return ROOM_ID_PATTERN.test(value);
}
