/**
 * A valid frame of each kind a call's first seconds receive, parsed once ahead of time. zod
 * builds parts of a schema on its first parse (a union's lookup by `type`, each object's
 * shape), and the engine compiles the parser's code as it first runs: in Node the first
 * `joined` took 2.2 ms against 0.3 ms after, the first answer 0.7 ms against 0.09. A page
 * calls this while it waits for Join, so that cost is not paid between Join and the first
 * remote picture.
 */
import { parsePeerMessage, parseServerMessage } from './parse.ts';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'abcd',
};

/**
 * Plain data, turned into frames only when a page warms up (the server imports this package
 * too). Exported for the test that keeps them valid: an invalid one would warm the error path.
 */
export const WARM_UP_SERVER_MESSAGES: readonly object[] = [
  {
    type: 'joined',
    room: 'warm-up',
    self: ID,
    peers: [{ id: ID, name: 'Ada' }],
    iceServers: [
      { urls: ['stun:192.0.2.1:3478'] },
      { urls: 'turn:192.0.2.1', username: 'u', credential: 'c' },
    ],
    capacity: 6,
    resumeToken: 'token',
  },
  { type: 'peer-joined', peer: { id: ID, name: 'Ada' } },
  { type: 'signal', from: ID, data: { description: { type: 'answer', sdp: 'v=0\r\n' } } },
  { type: 'signal', from: ID, data: { candidate: CANDIDATE } },
  { type: 'signal', from: ID, data: { candidate: null } },
];

export const WARM_UP_PEER_MESSAGES: readonly object[] = [
  { type: 'status', isMicOn: true, isCameraOn: true, isSharingScreen: false },
];

export function warmUpParsers(): void {
  for (const message of WARM_UP_SERVER_MESSAGES) parseServerMessage(JSON.stringify(message));
  for (const message of WARM_UP_PEER_MESSAGES) parsePeerMessage(JSON.stringify(message));
}
