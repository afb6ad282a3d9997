/**
 * Every word the web app shows, in English: the reference catalogue. Other languages are typed
 * as `Messages`, so a key missing there fails the type check. Words that depend on a value are
 * functions; they get codes and plain values (names, counts already formatted), never markup.
 *
 * The English accessible names of controls (Room, Join, Hang up, Send file, ...) are part of the
 * product's promise to assistive technology and to tests: change them only together with it.
 */
import type { Effect } from '@app/client';
import { ERRORS, type ErrorCode, type Reaction } from '@app/protocol';
import { files } from './en-files.ts';
import { formatNames } from './format.ts';
import { shell } from './en-shell.ts';
import { quality, shortcuts } from './en-keys.ts';
import { topology } from './en-topology.ts';

/** A device a media problem is about. */
export type MediaDevice = 'camera' | 'microphone' | 'both';
export type MediaProblem = 'denied' | 'missing' | 'busy' | 'other';

const deviceWords: Record<MediaDevice, string> = {
  camera: 'camera',
  microphone: 'microphone',
  both: 'camera and microphone',
};

const errors: Record<ErrorCode, string> = { ...ERRORS };

const list = (names: readonly string[]) => formatNames(names, 'en');

/** "5 seconds", "2 minutes": whole units, rounded up, so pressing Join then works. */
function waitWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export const en = {
  ...shell,

  prejoin: {
    heading: 'Ready to join?',
    room: 'Room',
    yourName: 'Your name',
    nameMissing: (max: number) =>
      `Enter your name (up to ${max} characters) so others know who you are, then press Join.`,
    password: 'Room password (optional)',
    passwordHint: 'The first person in a room sets its password; everyone after needs the same one.',
    join: 'Join',
    joining: 'Joining…',
    checkConnection: 'Check connection',
    checkingConnection: 'Checking connection…',
    offline: 'You are offline. A call needs the network: Join works once you are connected again.',
    serverWaiting: (status: string) => `${status} The server cannot be reached yet; we keep trying.`,
    inputLevel: 'Input level',
  },

  devices: {
    heading: 'Settings',
    camera: 'Camera',
    microphone: 'Microphone',
    resolution: 'Resolution',
    effect: 'Video effect',
    noCamera: 'No camera',
    noMicrophone: 'No microphone',
    sound: 'Sound',
    echoCancellation: 'Echo cancellation',
    noiseSuppression: 'Noise suppression',
    autoGainControl: 'Automatic gain control',
    soundRefused:
      'Your browser could not change this during the call. It applies the next time your microphone starts.',
    effects: {
      None: 'None',
      Grayscale: 'Grayscale',
      Sepia: 'Sepia',
      Mirror: 'Mirror',
    } satisfies Record<Effect, string>,
  },

  /** The pre-call network test, one line per way of connecting. */
  connection: {
    directWorks: 'Direct connection on your network: works.',
    directUnavailable:
      'Direct connection on your network: not available (the browser offered no local address).',
    stunMissing: 'Connection through your router (STUN): no STUN server is set up for this service.',
    stunWorks: 'Connection through your router (STUN): works.',
    stunNoAnswer: 'Connection through your router (STUN): no answer. Calls may need the relay.',
    turnMissing: 'Relay (TURN): no relay server is set up for this service.',
    turnWorks: 'Relay (TURN): works. Calls connect even behind strict firewalls.',
    turnUnreachable:
      'Relay (TURN): not reachable. Calls behind strict firewalls may fail; try another network.',
    serverUnreachable: 'The server could not be reached. Check your internet connection, then try again.',
  },

  media: {
    /** What is wrong with a device, and what to do about it. */
    problem: (device: MediaDevice, problem: MediaProblem) => {
      const what = deviceWords[device];
      const isPlural = device === 'both';
      const verb = isPlural ? 'are' : 'is';
      switch (problem) {
        case 'denied':
          return `Your ${what} ${verb} blocked for this site. To use ${isPlural ? 'them' : 'it'}, allow the ${what} in the browser's site settings (the icon in the address bar), then reload the page.`;
        case 'missing':
          return `No ${what} was found. Plug one in, then reload the page.`;
        case 'busy':
          return `Your ${what} ${verb} in use by another app. Close that app, then reload the page.`;
        case 'other':
          return `Your ${what} could not be started. Check it is connected, then reload the page.`;
      }
    },
    /** What still works without the device: before joining, and in the call. */
    stillPossible: (device: MediaDevice, isInCall: boolean) => {
      switch (device) {
        case 'both':
          return isInCall ? 'You can still watch and listen.' : 'You can still join to watch and listen.';
        case 'camera':
          return isInCall ? 'Others hear you but cannot see you.' : 'You can still join with audio only.';
        case 'microphone':
          return isInCall ? 'Others see you but cannot hear you.' : 'You can still join without sound.';
      }
    },
  },

  refusal: {
    roomFull: 'This room is full. Try again when someone leaves, or start a new room from the start page.',
    wrongPassword:
      'That password is not right for this room. Check the password with the person who shared the link and try again.',
    passwordNeeded: 'This room needs a password. Enter the room password below and press Join.',
    tooManyAttempts: (seconds: number) =>
      `Too many wrong passwords for this room from your network. Check the password with the person who shared the link, then press Join again in ${waitWords(seconds)}.`,
    /** The server's other refusals (they mean the app and server disagree; rare). */
    other: errors,
  },

  call: {
    count: (count: number, capacity: number) => `${count} of ${capacity}`,
    reconnecting: 'Reconnecting…',
    recovering: 'Connection lost, recovering',
    /** `name` is null while the person's name is not known. */
    peerFailed: (name: string | null) =>
      `The connection to ${name ?? 'someone'} failed. Check your network; if it keeps failing, hang up and join again.`,
    /** A participant whose name is not known yet (chat, files). */
    someoneNamed: 'Someone',
    entered: (names: readonly string[]) =>
      names.length === 0
        ? 'You joined. Nobody else is here yet.'
        : `You joined. ${list(names)} ${names.length === 1 ? 'is' : 'are'} here.`,
    joined: (name: string) => `${name} joined.`,
    left: (name: string) => `${name} left.`,
    copyLink: 'Copy link',
    linkCopied: 'Link copied. Send it to the people you want to talk to.',
    copyThisLink: (link: string) => `Copy this link: ${link}`,
    stats: 'Stats',
  },

  controls: {
    group: 'Call controls',
    microphone: 'Microphone',
    microphoneOff: 'Turn microphone off',
    microphoneOn: 'Turn microphone on',
    camera: 'Camera',
    cameraOff: 'Turn camera off',
    cameraOn: 'Turn camera on',
    shareScreen: 'Share screen',
    stopSharing: 'Stop sharing',
    takePhoto: 'Take photo',
    sendFile: 'Send file',
    settings: 'Settings',
    hangUp: 'Hang up',
  },

  hands: {
    /** The toggle's name stays the same, raised or not; aria-pressed says which. */
    raiseHand: 'Raise hand',
    raiseTitle: 'Raise your hand (Ctrl+Alt+H)',
    lowerTitle: 'Lower your hand (Ctrl+Alt+H)',
    /** The ✋ badge on a tile. */
    raisedHand: 'Raised hand',
    /** The badge's title: where this hand stands in the queue, first raised first. */
    queuePosition: (position: number, count: number) => `Raised hand: ${position} of ${count}`,
    raised: (name: string) => `${name} raised their hand.`,
    lowered: (name: string) => `${name} lowered their hand.`,
    react: 'React',
    reactions: 'Reactions',
    /** Each reaction's name, for the picker and the reaction floating over a tile. */
    names: {
      '👍': 'Thumbs up',
      '❤️': 'Heart',
      '😂': 'Laughing',
      '😮': 'Surprised',
      '👏': 'Clapping',
      '🎉': 'Celebrate',
    } satisfies Record<Reaction, string>,
    reactedWith: (name: string, reaction: string) => `${name} reacted: ${reaction}`,
  },

  room: {
    qrCode: 'QR code',
    qrTitle: 'Show a QR code of the room link',
    qrGroup: 'Room QR code',
    qrAlt: (url: string) => `QR code of the room link ${url}`,
    loopbackHint:
      'This address works on this computer only. To join from a phone, open the app at one of the network addresses printed in the terminal (LAN mode), then show this code again.',
    scanHint: 'Scan with a phone camera to join from another device.',
    share: 'Share',
    shareTitle: 'Share the room link',
    shareSubject: (room: string) => `Call: ${room}`,
    shareText: (room: string) => `Join my call "${room}"`,
    switchCamera: 'Switch camera',
    switchTo: (camera: string) => `Switch to ${camera}`,
    tapForSound: 'Tap to enable sound',
  },

  tile: {
    you: 'You',
    /** The self view's name; the name is a person's own, "you" says it is them. */
    yourself: (name: string) => `${name} (you)`,
    microphoneOff: 'Microphone off',
    cameraOff: 'Camera off',
    connecting: 'Connecting…',
    recovering: 'Recovering…',
    verification: (name: string) =>
      `Verification code: compare it with ${name}; if both of you see the same code, nobody is listening in.`,
  },

  chat: {
    region: 'Chat',
    history: 'Chat history',
    clearHistory: 'Clear history',
    clearHistoryTitle: "Forget this room's messages and photos in this browser",
    empty: 'Messages you send here go to everyone in the call, directly between browsers.',
    message: 'Message',
    placeholder: 'Write a message',
    send: 'Send',
    sendTitle: 'Send (Enter)',
    yourPhoto: 'Your photo',
    photoFrom: (name: string) => `Photo from ${name}`,
    downloadPhoto: 'Download photo',
  },

  sharing: {
    nobodyHere: 'Nobody else is in the call yet. Share the link, then send your file.',
    cameraOff: 'Turn your camera on to take a photo.',
    photoFailed: 'The photo could not be taken. Check that your camera shows a picture, then try again.',
    screenNotAllowed:
      'Screen sharing was not allowed. Press Share screen again and choose what to share, or allow screen recording for this browser in your system settings.',
    screenUnsupported:
      'Screen sharing is not available in this browser. Try a desktop browser such as Chrome, Edge or Firefox.',
    sharingScreen: 'You are sharing your screen. Everyone sees it instead of your camera.',
    sendTo: 'Send a file to',
    everyone: 'Everyone',
    close: 'Close',
    dismiss: 'Dismiss',
    dropHere: 'Drop to send to everyone in the call',
  },

  files,
  shortcuts,
  quality,

  topology,

  stats: {
    region: 'Call statistics',
    heading: 'Statistics',
    empty: 'Statistics appear when someone joins.',
    forPeer: (name: string) => `Statistics for ${name}`,
    bitrateIn: 'Bitrate in',
    bitrateOut: 'Bitrate out',
    roundTrip: 'Round trip',
    packetLoss: 'Packet loss',
    codec: 'Codec',
    resolution: 'Resolution',
    frameRate: 'Frame rate',
    framesPerSecond: (count: string) => `${count} fps`,
    connection: 'Connection',
    setupTime: 'Set-up time',
    verificationCode: 'Verification code',
    droppedMessages: 'Dropped messages',
    legend:
      'Connection: host = direct on your network, srflx/prflx = direct through a router, relay = through the TURN server. Compare the verification code aloud: the same code on both sides means nobody is in the middle.',
  },
};

/** Words: any string, whatever the English one is (a literal type would bind other languages). */
type Words<T> = T extends string
  ? string
  : T extends (...args: infer Args) => string
    ? (...args: Args) => string
    : { readonly [Key in keyof T]: Words<T[Key]> };

/** The shape every language's catalogue has: the same keys, the same function parameters. */
export type Messages = Words<typeof en>;

/** The words of the pages shown before a room's: start page, update prompt, language picker. */
export type ShellMessages = Pick<Messages, keyof typeof shell>;
