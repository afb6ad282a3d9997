/**
 * The page's view of the call's keyboard shortcuts: @app/client's ShortcutKeys (the rules and
 * whether Space is talking) fed with the window's key events, plus whether the list of
 * shortcuts is open. The component owning the call screen passes the window events in.
 */
import { ShortcutKeys, focusKind } from '@app/client';
import type { CallController } from './call.svelte.ts';

export interface ShortcutOptions {
  call: CallController;
  /** Puts focus in the chat's message box. */
  focusChat: () => void;
}

export class CallShortcuts {
  /** The list of shortcuts (opened with ?). */
  isHelpOpen = $state(false);
  /** Space is held and the microphone is on for as long as it is. */
  isTalking = $state(false);
  readonly #keys: ShortcutKeys;

  constructor({ call, focusChat }: ShortcutOptions) {
    this.#keys = new ShortcutKeys({
      // Without a microphone there is nothing to talk with: Space keeps its usual meaning.
      isMicOn: () => call.media.isMicOn || !call.media.hasMicrophone,
      setMicOn: (isOn) => call.media.setMicOn(isOn),
      toggleMicrophone: () => call.toggleMicrophone(),
      toggleCamera: () => call.toggleCamera(),
      focusChat,
      showShortcuts: () => (this.isHelpOpen = true),
      toggleHand: () => call.gestures.toggleHand(),
      onTalkingChange: (isTalking) => (this.isTalking = isTalking),
    });
  }

  keydown = (event: KeyboardEvent): void => {
    // The list is a modal dialog: while it shows, keys are its own.
    if (this.isHelpOpen || event.defaultPrevented) return;
    if (this.#keys.keydown(event, focusKind(document.activeElement as HTMLElement | null))) {
      event.preventDefault();
    }
  };

  keyup = (event: KeyboardEvent): void => {
    if (this.#keys.keyup(event, focusKind(document.activeElement as HTMLElement | null))) {
      event.preventDefault();
    }
  };

  /** The window lost focus (another app, another tab): a held Space stops talking. */
  blur = (): void => this.#keys.blur();

  closeHelp = (): void => {
    this.isHelpOpen = false;
  };

  openHelp = (): void => {
    this.isHelpOpen = true;
  };
}
