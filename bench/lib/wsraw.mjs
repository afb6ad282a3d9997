/**
 * A minimal WebSocket client over a raw TCP socket (RFC 6455) for load generation. Frames
 * are prebuilt with a zero masking key (allowed by §5.3: the key is random for browsers'
 * sake, the server only unmasks), and incoming frames are counted from their headers, so
 * the generator spends far less CPU per message than the server it measures.
 * It answers pings, so the server's heartbeat never drops an idle generator socket.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export const OPCODE = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa };

/** A client (masked, zero key) frame carrying `payload`. */
export function encodeClientFrame(payload, opcode = OPCODE.text) {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const length = body.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.alloc(headerLength + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  // Masking key bytes stay 0, so the payload is copied as is.
  body.copy(frame, headerLength + 4);
  return frame;
}

/**
 * Incremental decoder for server (unmasked) frames. Calls onFrame(opcode, buffer, start,
 * end) without copying when a frame lies in one chunk. Fragmented messages are not used
 * by either server for these small frames, so continuation frames are passed through.
 */
export class FrameDecoder {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.pending = null;
  }

  push(chunk) {
    let buffer = chunk;
    if (this.pending) {
      buffer = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let offset = 0;
    const end = buffer.length;
    while (end - offset >= 2) {
      const opcode = buffer[offset] & 0x0f;
      let length = buffer[offset + 1] & 0x7f;
      let header = 2;
      if (length === 126) {
        if (end - offset < 4) break;
        length = buffer.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (end - offset < 10) break;
        length = Number(buffer.readBigUInt64BE(offset + 2));
        header = 10;
      }
      if (end - offset < header + length) break;
      this.onFrame(opcode, buffer, offset + header, offset + header + length);
      offset += header + length;
    }
    if (offset < end) this.pending = buffer.subarray(offset);
  }
}

/**
 * Opens a WebSocket to ws://127.0.0.1:port/path. Resolves with
 * { socket, send(buffer), onText(fn), closeCode } once the server answered 101.
 */
export function openSocket({ port, path = '/ws', origin }) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    const key = randomBytes(16).toString('base64');
    let handshake = Buffer.alloc(0);
    let upgraded = false;
    const peer = {
      socket,
      closeCode: null,
      onText: () => {},
      send: (frame) => socket.write(frame),
      close: () => socket.destroy(),
    };
    const decoder = new FrameDecoder((opcode, buffer, start, end) => {
      if (opcode === OPCODE.text) peer.onText(buffer, start, end);
      else if (opcode === OPCODE.ping)
        socket.write(encodeClientFrame(buffer.subarray(start, end), OPCODE.pong));
      else if (opcode === OPCODE.close) {
        peer.closeCode = end - start >= 2 ? buffer.readUInt16BE(start) : 1005;
        socket.end();
      }
    });
    socket.once('error', (error) => {
      if (!upgraded) reject(error);
    });
    socket.on('data', (chunk) => {
      if (upgraded) {
        decoder.push(chunk);
        return;
      }
      handshake = Buffer.concat([handshake, chunk]);
      const headerEnd = handshake.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const status = handshake.subarray(0, handshake.indexOf('\r\n')).toString();
      if (!/^HTTP\/1\.1 101/.test(status)) {
        socket.destroy();
        reject(new Error(`upgrade refused: ${status}`));
        return;
      }
      upgraded = true;
      resolve(peer);
      if (headerEnd + 4 < handshake.length) decoder.push(handshake.subarray(headerEnd + 4));
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
        (origin ? `Origin: ${origin}\r\n` : '') +
        '\r\n',
    );
  });
}
