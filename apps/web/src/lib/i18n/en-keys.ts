/**
 * The English words of keyboard shortcuts and of the connection quality on each tile, part of
 * `en`. Key caps are written as printed on the keyboard.
 */
export const shortcuts = {
  heading: 'Keyboard shortcuts',
  /** The button in Settings that opens the list. */
  open: 'Keyboard shortcuts',
  close: 'Close',
  hint: 'Shortcuts work when you are not typing in a text field.',
  /** Shown while Space is held down and the microphone is on. */
  talking: 'Talking. Release Space to mute again.',
  keys: {
    talk: 'Space',
    microphone: 'M',
    camera: 'V',
    chat: 'C',
    help: '?',
    hand: 'Ctrl+Alt+H',
    close: 'Esc',
  },
  actions: {
    talk: 'Hold to talk while your microphone is off',
    microphone: 'Turn microphone on or off',
    camera: 'Turn camera on or off',
    chat: 'Go to the chat message box',
    help: 'Show this list of shortcuts',
    hand: 'Raise or lower your hand',
    close: 'Close a dialog or panel',
  },
};

export const quality = {
  /** The indicator's accessible name on a tile. */
  label: (level: string) => `Connection quality: ${level}`,
  levels: {
    good: 'good',
    fair: 'fair',
    poor: 'poor',
  },
};
