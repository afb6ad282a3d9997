/**
 * Paths of the app. The production server answers `/` and `/r/<room>` with the same page,
 * so the client decides what to show from `location.pathname`.
 */
import { isRoomId } from '@app/protocol';

export type Route =
  | { page: 'landing' }
  | { page: 'room'; room: string }
  | { page: 'invalid-room'; room: string }
  | { page: 'not-found' };

export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'landing' };
  const match = /^\/r\/([^/]*)\/?$/.exec(pathname);
  if (!match) return { page: 'not-found' };
  let room: string;
  try {
    room = decodeURIComponent(match[1] ?? '');
  } catch {
    return { page: 'invalid-room', room: match[1] ?? '' };
  }
  return isRoomId(room) ? { page: 'room', room } : { page: 'invalid-room', room };
}

export function roomPath(room: string): string {
  return `/r/${encodeURIComponent(room)}`;
}

/**
 * What a person typed into the `Room` field: a room name, or a whole room link pasted from
 * a chat, from which the name is taken.
 */
export function roomFromInput(input: string): string {
  const value = input.trim();
  const fromLink = /\/r\/([^/?#\s]+)/.exec(value);
  if (fromLink?.[1]) {
    try {
      return decodeURIComponent(fromLink[1]);
    } catch {
      return fromLink[1];
    }
  }
  return value;
}
