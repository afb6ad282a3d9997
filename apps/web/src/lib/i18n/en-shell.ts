/**
 * The English words of what every visit shows first: the start page, the update prompt, the
 * language picker and the app's own messages. They are part of the first chunk; the rest of the
 * catalogue (en.ts, which includes these) loads with a room's page.
 */
export const shell = {
  app: {
    title: 'Callroom · video calls by link',
    invalidRoom: (room: string) =>
      `“${room}” is not a valid room name. A room name uses 1 to 64 letters, digits, “-” or “_”. Check the link, or start a new room.`,
    notFound: 'Page not found',
    goHome: 'Go to the start page',
    leftCall: 'You left the call. Camera and microphone are off.',
    callScreenFailed:
      'The call screen could not be loaded. Check your connection: the page reloads by itself once you are back online, or reload it now.',
    roomPageFailed:
      'This room could not be opened. Check your connection: the page reloads by itself once you are back online, or reload it now.',
  },

  language: {
    label: 'Language',
  },

  update: {
    ready: 'A new version of Callroom is ready.',
    reload: 'Reload',
    notNow: 'Not now',
  },

  landing: {
    heading: 'Face to face, one link away',
    lead: (capacity: number) =>
      `Video calls for up to ${capacity} people, right in the browser. No account, no app. Video, sound, chat, photos and files go directly between your browsers.`,
    offline:
      'You are offline. Callroom opened from this device, but a call needs the network: connect to the internet to create or join a room.',
    serverUnreachable:
      'The Callroom server cannot be reached, and a call needs it. Check your connection, then try again.',
    createRoom: 'Create room',
    or: 'or',
    room: 'Room',
    roomPlaceholder: 'e.g. team-standup',
    join: 'Join',
    roomEmpty: 'Enter a room name, or press Create room for a new one.',
    roomInvalid: 'That room name is not valid: use 1 to 64 letters, digits, "-" or "_" (no spaces).',
    stillUnreachable:
      'The server still cannot be reached. Check your connection, then press Create room or Join again.',
    needsNetwork: 'A call needs the network. Connect to the internet, then press Create room or Join again.',
    recent: 'Recently joined',
  },
};
