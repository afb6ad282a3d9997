/**
 * The cheapest reasonable signaling relay, as a baseline for the real server: a bare `ws`
 * server speaking the same JSON messages with no validation, no limits, no
 * heartbeat, no metrics. It parses each frame, joins rooms and relays `signal` frames to
 * the target peer by id with `from` set. Env: PORT (3000), HOST (127.0.0.1).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';

const capacity = 6;

/**
 * Serves one socket (anything with `on` and `send`, as a `ws` WebSocket has) in `rooms`
 * (room name -> Map(peer id -> { socket, name })). The micro benchmark drives it without
 * sockets.
 */
export function serveBare(socket, rooms) {
  let self = null; // { id, room, name }

  const leave = () => {
    if (!self) return;
    const members = rooms.get(self.room);
    members.delete(self.id);
    if (members.size === 0) rooms.delete(self.room);
    const left = JSON.stringify({ type: 'peer-left', id: self.id });
    for (const peer of members.values()) peer.socket.send(left);
    self = null;
  };

  socket.on('message', (raw) => {
    let message;
    try {
      message = JSON.parse(raw.toString());
    } catch {
      return;
    }
    if (message.type === 'signal') {
      const target = self && rooms.get(self.room).get(message.to);
      if (target) target.socket.send(JSON.stringify({ type: 'signal', from: self.id, data: message.data }));
    } else if (message.type === 'join' && !self) {
      let members = rooms.get(message.room);
      if (!members) rooms.set(message.room, (members = new Map()));
      const id = randomBytes(16).toString('base64url');
      const peers = [...members].map(([peerId, peer]) => ({ id: peerId, name: peer.name }));
      const joined = JSON.stringify({ type: 'peer-joined', peer: { id, name: message.name } });
      for (const peer of members.values()) peer.socket.send(joined);
      members.set(id, { socket, name: message.name });
      self = { id, room: message.room, name: message.name };
      socket.send(
        JSON.stringify({ type: 'joined', room: message.room, self: id, peers, iceServers: [], capacity }),
      );
    } else if (message.type === 'leave') {
      leave();
    }
  });
  socket.on('close', leave);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  const rooms = new Map();
  const http = createServer((request, response) => {
    response.writeHead(request.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
    response.end('{"status":"ok"}');
  });
  const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });
  wss.on('connection', (socket) => serveBare(socket, rooms));
  http.listen(port, host);
}
