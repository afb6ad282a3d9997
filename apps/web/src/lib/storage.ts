import { AUDIO_PROCESSING_KEYS, DEFAULT_AUDIO_PROCESSING, type AudioProcessing } from '@app/client';

/**
 * What the browser remembers for a person: their name, language, sound processing and recent
 * rooms (localStorage), and
 * per tab the token that resumes a signaling session after a reload and when the page last
 * reloaded itself to fetch the app's code again (sessionStorage).
 * Storage can be unavailable (private mode, blocked cookies): every access is guarded.
 */
const NAME_KEY = 'facetime:name';
const RECENT_KEY = 'facetime:recent-rooms';
const LANGUAGE_KEY = 'facetime:language';
const SOUND_KEY = 'facetime:sound';
const RESUME_PREFIX = 'facetime:resume:';
const CODE_RELOAD_KEY = 'facetime:code-reloaded-at';
const RECENT_MAX = 6;

function read(storage: () => Storage, key: string): string | null {
  try {
    return storage().getItem(key);
  } catch {
    return null;
  }
}

function write(storage: () => Storage, key: string, value: string | null): void {
  try {
    if (value === null) storage().removeItem(key);
    else storage().setItem(key, value);
  } catch {
    // Nothing to do: the app works without remembering.
  }
}

const local = () => localStorage;
const session = () => sessionStorage;

export function loadName(): string {
  return read(local, NAME_KEY) ?? '';
}

export function saveName(name: string): void {
  write(local, NAME_KEY, name);
}

/** The language a person picked; null until they pick one (the browser's preference counts then). */
export function loadLanguage(): string | null {
  return read(local, LANGUAGE_KEY);
}

export function saveLanguage(language: string): void {
  write(local, LANGUAGE_KEY, language);
}

/** Echo cancellation, noise suppression, gain control: all on until a person turns one off. */
export function loadAudioProcessing(): AudioProcessing {
  const processing = { ...DEFAULT_AUDIO_PROCESSING };
  try {
    const saved: unknown = JSON.parse(read(local, SOUND_KEY) ?? '{}');
    for (const key of AUDIO_PROCESSING_KEYS) {
      const value = (saved as Partial<Record<string, unknown>> | null)?.[key];
      if (typeof value === 'boolean') processing[key] = value;
    }
  } catch {
    // Not JSON (written by something else): the defaults stand.
  }
  return processing;
}

export function saveAudioProcessing(processing: AudioProcessing): void {
  write(local, SOUND_KEY, JSON.stringify(processing));
}

export interface RecentRoom {
  room: string;
  lastJoinedAt: number;
}

export function loadRecentRooms(): RecentRoom[] {
  const raw = read(local, RECENT_KEY);
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter(
        (item): item is RecentRoom =>
          typeof item === 'object' &&
          item !== null &&
          typeof (item as RecentRoom).room === 'string' &&
          typeof (item as RecentRoom).lastJoinedAt === 'number',
      )
      .slice(0, RECENT_MAX);
  } catch {
    return [];
  }
}

export function rememberRoom(room: string, now = Date.now()): RecentRoom[] {
  const rooms = [{ room, lastJoinedAt: now }, ...loadRecentRooms().filter((r) => r.room !== room)].slice(
    0,
    RECENT_MAX,
  );
  write(local, RECENT_KEY, JSON.stringify(rooms));
  return rooms;
}

export function loadResumeToken(room: string): string | null {
  return read(session, RESUME_PREFIX + room);
}

export function saveResumeToken(room: string, token: string | null): void {
  write(session, RESUME_PREFIX + room, token);
}

/** When this tab last reloaded itself because the app's code failed to download (epoch ms; 0: never). */
export function loadCodeReloadedAt(): number {
  return Number(read(session, CODE_RELOAD_KEY) ?? 0) || 0;
}

export function saveCodeReloadedAt(epochMs: number): void {
  write(session, CODE_RELOAD_KEY, String(epochMs));
}
