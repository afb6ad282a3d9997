// The two-browser baseline: the call the WebRTC codelab builds, one page per browser, through
// the bare relay (bench/baseline/bare-relay.mjs), with the web app's camera and start rate.
// On load: the camera preview and the socket. Join sends `join`; whoever joins second
// offers (`joined` names who is there); candidates trickle both ways; messages are handled
// one at a time, in order. The marks are the web app's, so the bench times both alike.
import { CALL_VIDEO, START_KBPS, withStartRate } from './settings.js';

const room = location.pathname.split('/').pop();
const byId = (id) => document.getElementById(id);
const socket = new WebSocket(`ws://${location.host}/ws`);
const camera = navigator.mediaDevices.getUserMedia({ video: CALL_VIDEO, audio: true }).then((stream) => {
  byId('self').srcObject = stream;
  return stream;
});
let pc = null;
let other = null;

const send = (message) => socket.send(JSON.stringify(message));
const signal = (data) => send({ type: 'signal', to: other, data });

async function connect(peerId) {
  other = peerId;
  const stream = await camera;
  // The web app's bundle policy: one transport, one set of candidates.
  pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  pc.onicecandidate = ({ candidate }) => signal({ candidate: candidate ? candidate.toJSON() : null });
  // The other side's sound plays through the same element as its video, as in the web app.
  pc.ontrack = ({ track, streams }) => {
    if (track.kind !== 'video') return;
    const video = byId('remote');
    video.srcObject = streams[0] ?? new MediaStream([track]);
    video.requestVideoFrameCallback(() => performance.mark(`call:first-remote-frame:${peerId}`));
  };
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
}

async function handle(message) {
  if (message.type === 'joined') {
    byId('hang-up').hidden = false;
    if (message.peers.length === 0) return;
    await connect(message.peers[0].id);
    pc.createDataChannel('chat');
    await pc.setLocalDescription();
    signal({ description: pc.localDescription.toJSON() });
  } else if (message.type === 'signal') {
    const { description, candidate } = message.data;
    if (description) {
      if (!pc) await connect(message.from);
      await pc.setRemoteDescription(withStartRate(description, START_KBPS));
      if (description.type !== 'offer') return;
      await pc.setLocalDescription();
      signal({ description: pc.localDescription.toJSON() });
    } else if (candidate !== undefined) {
      await pc.addIceCandidate(candidate ?? undefined);
    }
  }
}

let queue = Promise.resolve();
socket.onmessage = ({ data }) => {
  // A step that fails is noted where the bench reads the page's notes, and the next goes on.
  queue = queue
    .then(() => handle(JSON.parse(data)))
    .catch((error) => window.__setupNote?.(`error ${error?.message ?? error}`));
};
byId('join').onclick = () => {
  performance.mark('call:join-click');
  send({ type: 'join', room, name: byId('name').value });
};
