import { describe, expect, it } from 'vitest';
import { parsePeerMessage, parseServerMessage } from './parse.ts';
import { WARM_UP_PEER_FRAMES, WARM_UP_SERVER_FRAMES } from './warm.ts';

describe('warmUpParsers', () => {
  it('parses only valid frames, so the schemas warm up on the path real frames take', () => {
    for (const frame of WARM_UP_SERVER_FRAMES) expect(parseServerMessage(frame)).toMatchObject({ ok: true });
    for (const frame of WARM_UP_PEER_FRAMES) expect(parsePeerMessage(frame)).toMatchObject({ ok: true });
  });
});
