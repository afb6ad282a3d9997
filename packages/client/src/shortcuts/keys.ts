/**
 * Keyboard shortcuts of a call, as in other call apps: M microphone, V camera, C chat, ? the
 * list of shortcuts, Ctrl+Alt+H hand, and holding Space to talk while muted. Pure: a key press
 * and what has focus go in, an action comes out, so every rule is tested without a browser.
 *
 * Letters are read from `code` (the key's place), not `key` (its character): with a Korean
 * layout M gives "ㅡ", and the shortcut must still work. `?` is read from `key`, since layouts
 * put it in different places.
 */
export type ShortcutAction =
  | 'toggle-microphone'
  | 'toggle-camera'
  | 'focus-chat'
  | 'show-shortcuts'
  | 'toggle-hand'
  | 'start-talking'
  | 'stop-talking';

/** The parts of a KeyboardEvent the rules read (a KeyboardEvent is one). */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  repeat: boolean;
  isComposing?: boolean;
}

/**
 * What has focus: `typing` (a text field, textarea, select or editable text: every key is
 * theirs), `control` (a button, checkbox, link, menu item...: Space activates it), or `other`.
 */
export type FocusKind = 'typing' | 'control' | 'other';

/** The parts of an element the rules read (an HTMLElement is one). */
export interface FocusedElement {
  tagName: string;
  isContentEditable?: boolean;
  getAttribute(name: string): string | null;
}

const TYPING_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'listbox', 'spinbutton', 'slider']);
const CONTROL_ROLES = new Set([
  'button',
  'checkbox',
  'radio',
  'switch',
  'link',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'option',
  'tab',
  'treeitem',
]);
const CONTROL_INPUTS = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'file', 'image', 'color']);

export function focusKind(element: FocusedElement | null | undefined): FocusKind {
  if (!element) return 'other';
  if (element.isContentEditable) return 'typing';
  const tag = element.tagName.toUpperCase();
  if (tag === 'INPUT') {
    return CONTROL_INPUTS.has((element.getAttribute('type') ?? 'text').toLowerCase()) ? 'control' : 'typing';
  }
  if (tag === 'TEXTAREA' || tag === 'SELECT') return 'typing';
  const role = element.getAttribute('role');
  if (role && TYPING_ROLES.has(role)) return 'typing';
  if (role && CONTROL_ROLES.has(role)) return 'control';
  if (tag === 'BUTTON' || tag === 'SUMMARY' || (tag === 'A' && element.getAttribute('href') !== null)) {
    return 'control';
  }
  return 'other';
}

export interface KeyContext {
  focus: FocusKind;
  isMicOn: boolean;
  /** Space is held down and unmuted the microphone. */
  isTalking: boolean;
}

/** What to do with a key: an action (or none), and whether the browser's own use of it stops. */
export interface KeyDecision {
  action: ShortcutAction | null;
  preventDefault: boolean;
}

const LETTERS: Readonly<Record<string, ShortcutAction>> = {
  KeyM: 'toggle-microphone',
  KeyV: 'toggle-camera',
  KeyC: 'focus-chat',
};

const isSpace = (press: KeyPress) => press.code === 'Space' || press.key === ' ';

/** A key went down. Null: not a shortcut, the page and browser handle it as usual. */
export function onKeyDown(press: KeyPress, context: KeyContext): KeyDecision | null {
  if (press.isComposing) return null;
  const { ctrlKey, altKey, metaKey, shiftKey } = press;
  if (ctrlKey && altKey && !metaKey && !shiftKey && press.code === 'KeyH') {
    return press.repeat
      ? { action: null, preventDefault: true }
      : { action: 'toggle-hand', preventDefault: true };
  }
  if (ctrlKey || altKey || metaKey) return null;
  if (isSpace(press)) {
    if (context.focus !== 'other' || shiftKey) return null;
    // Held: the key repeats; swallowing the repeats keeps the page from scrolling.
    if (context.isTalking) return { action: null, preventDefault: true };
    if (context.isMicOn || press.repeat) return null;
    return { action: 'start-talking', preventDefault: true };
  }
  if (context.focus === 'typing') return null;
  if (press.key === '?') return { action: 'show-shortcuts', preventDefault: true };
  const action = LETTERS[press.code];
  if (!action || shiftKey) return null;
  return { action: press.repeat ? null : action, preventDefault: true };
}

/** A key came up: releasing Space ends talking, wherever focus went meanwhile. */
export function onKeyUp(press: KeyPress, context: KeyContext): KeyDecision | null {
  if (!isSpace(press) || !context.isTalking) return null;
  return { action: 'stop-talking', preventDefault: true };
}

export interface ShortcutHandlers {
  isMicOn: () => boolean;
  setMicOn: (isOn: boolean) => void;
  toggleMicrophone: () => void;
  toggleCamera: () => void;
  focusChat: () => void;
  showShortcuts: () => void;
  toggleHand: () => void;
  /** Talking started or stopped (for the "talking" hint). */
  onTalkingChange?: (isTalking: boolean) => void;
}

/**
 * The rules above with the one piece of state they need: whether Space is talking now. The
 * page feeds it its keydown, keyup and blur events.
 */
export class ShortcutKeys {
  readonly #handlers: ShortcutHandlers;
  #isTalking = false;

  constructor(handlers: ShortcutHandlers) {
    this.#handlers = handlers;
  }

  get isTalking(): boolean {
    return this.#isTalking;
  }

  /** Returns true when the key was a shortcut (the caller then prevents its default). */
  keydown(press: KeyPress, focus: FocusKind): boolean {
    return this.#run(onKeyDown(press, this.#context(focus)));
  }

  keyup(press: KeyPress, focus: FocusKind): boolean {
    return this.#run(onKeyUp(press, this.#context(focus)));
  }

  /** The window lost focus: the Space release will never arrive, so talking ends now. */
  blur(): void {
    if (this.#isTalking) this.#run({ action: 'stop-talking', preventDefault: false });
  }

  #context(focus: FocusKind): KeyContext {
    return { focus, isMicOn: this.#handlers.isMicOn(), isTalking: this.#isTalking };
  }

  #run(decision: KeyDecision | null): boolean {
    if (!decision) return false;
    const h = this.#handlers;
    switch (decision.action) {
      case 'toggle-microphone':
        h.toggleMicrophone();
        break;
      case 'toggle-camera':
        h.toggleCamera();
        break;
      case 'focus-chat':
        h.focusChat();
        break;
      case 'show-shortcuts':
        h.showShortcuts();
        break;
      case 'toggle-hand':
        h.toggleHand();
        break;
      case 'start-talking':
      case 'stop-talking':
        this.#setTalking(decision.action === 'start-talking');
        break;
    }
    return decision.preventDefault;
  }

  #setTalking(isTalking: boolean): void {
    this.#isTalking = isTalking;
    this.#handlers.setMicOn(isTalking);
    this.#handlers.onTalkingChange?.(isTalking);
  }
}
