import { describe, expect, it, vi } from 'vitest';
import { focusKind, onKeyDown, onKeyUp, ShortcutKeys, type KeyContext, type KeyPress } from './keys.ts';

function press(code: string, key: string, patch: Partial<KeyPress> = {}): KeyPress {
  return {
    code,
    key,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    shiftKey: false,
    repeat: false,
    ...patch,
  };
}
const SPACE = press('Space', ' ');
const muted: KeyContext = { focus: 'other', isMicOn: false, isTalking: false };

function element(tagName: string, attributes: Record<string, string> = {}, isContentEditable = false) {
  return { tagName, isContentEditable, getAttribute: (name: string) => attributes[name] ?? null };
}

describe('focusKind', () => {
  it('tells typing places, controls and the rest apart', () => {
    expect(focusKind(element('INPUT'))).toBe('typing');
    expect(focusKind(element('input', { type: 'search' }))).toBe('typing');
    expect(focusKind(element('TEXTAREA'))).toBe('typing');
    expect(focusKind(element('SELECT'))).toBe('typing');
    expect(focusKind(element('DIV', {}, true))).toBe('typing');
    expect(focusKind(element('DIV', { role: 'textbox' }))).toBe('typing');
    expect(focusKind(element('BUTTON'))).toBe('control');
    expect(focusKind(element('INPUT', { type: 'checkbox' }))).toBe('control');
    expect(focusKind(element('A', { href: '/' }))).toBe('control');
    expect(focusKind(element('LI', { role: 'menuitem' }))).toBe('control');
    expect(focusKind(element('A'))).toBe('other');
    expect(focusKind(element('BODY'))).toBe('other');
    expect(focusKind(element('SPAN', { role: 'img', tabindex: '0' }))).toBe('other');
    expect(focusKind(null)).toBe('other');
  });
});

describe('onKeyDown', () => {
  it('maps M, V, C and ? to their actions, also from a Korean layout (by key position)', () => {
    expect(onKeyDown(press('KeyM', 'm'), muted)?.action).toBe('toggle-microphone');
    expect(onKeyDown(press('KeyM', 'ㅡ'), muted)?.action).toBe('toggle-microphone');
    expect(onKeyDown(press('KeyV', 'v'), muted)?.action).toBe('toggle-camera');
    expect(onKeyDown(press('KeyC', 'c'), muted)).toEqual({ action: 'focus-chat', preventDefault: true });
    expect(onKeyDown(press('Slash', '?', { shiftKey: true }), muted)?.action).toBe('show-shortcuts');
    expect(onKeyDown(press('KeyX', 'x'), muted)).toBeNull();
  });

  it('leaves every key to text fields, except Ctrl+Alt+H', () => {
    const typing: KeyContext = { ...muted, focus: 'typing' };
    for (const key of [
      press('KeyM', 'm'),
      press('KeyC', 'c'),
      press('Slash', '?', { shiftKey: true }),
      SPACE,
    ]) {
      expect(onKeyDown(key, typing)).toBeNull();
    }
    expect(onKeyDown(press('KeyH', 'h', { ctrlKey: true, altKey: true }), typing)?.action).toBe(
      'toggle-hand',
    );
  });

  it('leaves keys with modifiers to the browser (Ctrl+C copies, Ctrl+V pastes, Shift+M is a letter)', () => {
    for (const modifier of ['ctrlKey', 'altKey', 'metaKey', 'shiftKey'] as const) {
      expect(onKeyDown(press('KeyM', 'm', { [modifier]: true }), muted)).toBeNull();
      expect(onKeyDown(press('Space', ' ', { [modifier]: true }), muted)).toBeNull();
    }
    expect(onKeyDown(press('Slash', '?', { shiftKey: true, ctrlKey: true }), muted)).toBeNull();
  });

  it('does not repeat a toggle while the key is held, but keeps the key from the page', () => {
    expect(onKeyDown(press('KeyM', 'm', { repeat: true }), muted)).toEqual({
      action: null,
      preventDefault: true,
    });
  });

  it('starts talking with Space while muted, and only where Space has no meaning of its own', () => {
    expect(onKeyDown(SPACE, muted)).toEqual({ action: 'start-talking', preventDefault: true });
    expect(onKeyDown(SPACE, { ...muted, focus: 'control' })).toBeNull();
    expect(onKeyDown(SPACE, { ...muted, isMicOn: true })).toBeNull();
    expect(onKeyDown(SPACE, { ...muted, isMicOn: true, isTalking: true })).toEqual({
      action: null,
      preventDefault: true,
    });
  });

  it('ignores keys while an input method composes', () => {
    expect(onKeyDown(press('KeyM', 'ㅡ', { isComposing: true }), muted)).toBeNull();
  });
});

describe('onKeyUp', () => {
  it('stops talking on the Space release, wherever focus is then', () => {
    const talking: KeyContext = { focus: 'control', isMicOn: true, isTalking: true };
    expect(onKeyUp(SPACE, talking)?.action).toBe('stop-talking');
    expect(onKeyUp(SPACE, { ...talking, isTalking: false })).toBeNull();
    expect(onKeyUp(press('KeyM', 'm'), talking)).toBeNull();
  });
});

describe('ShortcutKeys', () => {
  function setUp() {
    let isMicOn = false;
    const handlers = {
      isMicOn: () => isMicOn,
      setMicOn: vi.fn((on: boolean) => (isMicOn = on)),
      toggleMicrophone: vi.fn(() => (isMicOn = !isMicOn)),
      toggleCamera: vi.fn(),
      focusChat: vi.fn(),
      showShortcuts: vi.fn(),
      toggleHand: vi.fn(),
      onTalkingChange: vi.fn(),
    };
    return { keys: new ShortcutKeys(handlers), handlers, mic: () => isMicOn };
  }

  it('holds Space to talk: unmuted while held, muted again on release', () => {
    const { keys, handlers, mic } = setUp();
    expect(keys.keydown(SPACE, 'other')).toBe(true);
    expect(mic()).toBe(true);
    expect(keys.isTalking).toBe(true);
    expect(keys.keydown({ ...SPACE, repeat: true }, 'other')).toBe(true);
    expect(handlers.setMicOn).toHaveBeenCalledTimes(1);
    expect(keys.keyup(SPACE, 'other')).toBe(true);
    expect(mic()).toBe(false);
    expect(handlers.onTalkingChange.mock.calls).toEqual([[true], [false]]);
  });

  it('mutes again when the window loses focus during talking (the release never arrives)', () => {
    const { keys, mic } = setUp();
    keys.keydown(SPACE, 'other');
    keys.blur();
    expect(mic()).toBe(false);
    expect(keys.isTalking).toBe(false);
    expect(keys.keyup(SPACE, 'other')).toBe(false);
  });

  it('does nothing on blur when not talking, and never unmutes a microphone that is on', () => {
    const { keys, handlers } = setUp();
    keys.blur();
    keys.keydown(press('KeyM', 'm'), 'other');
    expect(handlers.toggleMicrophone).toHaveBeenCalledTimes(1);
    expect(keys.keydown(SPACE, 'other')).toBe(false);
    expect(handlers.setMicOn).not.toHaveBeenCalled();
  });

  it('runs the other shortcuts', () => {
    const { keys, handlers } = setUp();
    keys.keydown(press('KeyV', 'v'), 'control');
    keys.keydown(press('KeyC', 'c'), 'other');
    keys.keydown(press('Slash', '?', { shiftKey: true }), 'other');
    keys.keydown(press('KeyH', 'h', { ctrlKey: true, altKey: true }), 'typing');
    expect(handlers.toggleCamera).toHaveBeenCalledTimes(1);
    expect(handlers.focusChat).toHaveBeenCalledTimes(1);
    expect(handlers.showShortcuts).toHaveBeenCalledTimes(1);
    expect(handlers.toggleHand).toHaveBeenCalledTimes(1);
  });
});
