import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeClientFrame, FrameDecoder, OPCODE } from './wsraw.mjs';

/** A server (unmasked) frame, as the servers under test send them. */
function serverFrame(text, opcode = OPCODE.text) {
  const body = Buffer.from(text);
  const header = body.length < 126 ? Buffer.from([0x80 | opcode, body.length]) : Buffer.alloc(4);
  if (body.length >= 126) {
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(body.length, 2);
  }
  return Buffer.concat([header, body]);
}

test('client frames are masked with a zero key and carry the payload unchanged', () => {
  const small = encodeClientFrame('{"type":"leave"}');
  assert.equal(small[0], 0x81);
  assert.equal(small[1], 0x80 | 16);
  assert.deepEqual([...small.subarray(2, 6)], [0, 0, 0, 0]);
  assert.equal(small.subarray(6).toString(), '{"type":"leave"}');

  const medium = encodeClientFrame('x'.repeat(300));
  assert.equal(medium[1], 0x80 | 126);
  assert.equal(medium.readUInt16BE(2), 300);
  assert.equal(medium.length, 4 + 4 + 300);

  const large = encodeClientFrame('y'.repeat(70_000));
  assert.equal(large[1], 0x80 | 127);
  assert.equal(Number(large.readBigUInt64BE(2)), 70_000);
});

test('the decoder reassembles frames split at any byte and several frames per chunk', () => {
  const texts = ['{"a":1}', 'z'.repeat(200), '{"type":"signal"}'];
  const stream = Buffer.concat([...texts.map((t) => serverFrame(t)), serverFrame('p', OPCODE.ping)]);
  for (let cut = 1; cut < stream.length; cut += 7) {
    const seen = [];
    const decoder = new FrameDecoder((opcode, buffer, start, end) =>
      seen.push([opcode, buffer.toString('utf8', start, end)]),
    );
    decoder.push(stream.subarray(0, cut));
    decoder.push(stream.subarray(cut));
    assert.deepEqual(seen, [...texts.map((t) => [OPCODE.text, t]), [OPCODE.ping, 'p']], `split at ${cut}`);
  }
});
