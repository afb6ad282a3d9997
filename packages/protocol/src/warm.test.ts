import { describe, expect, it } from 'vitest';
import { parsePeerMessage, parseServerMessage } from './parse.ts';
import { WARM_UP_PEER_MESSAGES, WARM_UP_SERVER_MESSAGES } from './warm.ts';

describe('warmUpParsers', () => {
  it('parses only valid frames, so the schemas warm up on the path real frames take', () => {
    for (const message of WARM_UP_SERVER_MESSAGES)
      expect(parseServerMessage(JSON.stringify(message))).toMatchObject({ ok: true });
    for (const message of WARM_UP_PEER_MESSAGES)
      expect(parsePeerMessage(JSON.stringify(message))).toMatchObject({ ok: true });
  });
});
