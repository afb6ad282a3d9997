/**
 * The pages that load as their own chunks. The landing page is the whole first load; a room's
 * page (the pre-join screen) and, behind it, the call are fetched only when needed, each once.
 */
import { i18n } from '../lib/i18n/locale.svelte.ts';
import { whenIdle } from '../lib/idle.ts';

type RoomPage = typeof import('./Room.svelte');
type CallState = typeof import('../lib/state/call.svelte.ts');
type CallScreen = typeof import('../lib/components/InCall.svelte');

let roomPage: Promise<RoomPage> | undefined;

/** The room page's chunk; a failed fetch is retried on the next call (e.g. back online). */
export function loadRoomPage(): Promise<RoomPage> {
  // Its words come with it: the start page has only its own (see i18n/locale.svelte.ts).
  roomPage ??= Promise.all([import('./Room.svelte'), i18n.loadAll()]).then(
    ([page]) => page,
    (error: unknown) => {
      roomPage = undefined;
      throw error;
    },
  );
  return roomPage;
}

/**
 * Fetches the room page, then the call's code, once the landing page has painted and the
 * browser is idle, so that neither competes with the first paint and both are there (loaded
 * and run) by the time someone creates or joins a room: Create room then draws the room page
 * at once. They are among the files the service worker caches anyway.
 */
export function warmUpRoomPage(): void {
  const fetchWhenIdle = () =>
    void whenIdle(
      () =>
        void loadRoomPage().then(
          () => void whenIdle(() => void loadCallChunks().catch(() => undefined)),
          () => undefined,
        ),
    );
  if (document.readyState === 'complete') fetchWhenIdle();
  else window.addEventListener('load', fetchWhenIdle, { once: true });
}

/** What a room page needs once Join is pressed: the call's state and the in-call screen. */
export interface CallChunks {
  CallController: CallState['CallController'];
  InCall: CallScreen['default'];
}

let callChunks: Promise<CallChunks> | undefined;

export function loadCallChunks(): Promise<CallChunks> {
  callChunks ??= Promise.all([
    import('../lib/state/call.svelte.ts'),
    import('../lib/components/InCall.svelte'),
  ]).then(
    ([state, screen]) => ({ CallController: state.CallController, InCall: screen.default }),
    (error: unknown) => {
      callChunks = undefined;
      throw error;
    },
  );
  return callChunks;
}
