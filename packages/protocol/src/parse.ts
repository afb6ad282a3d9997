import type { z } from 'zod';
import { ClientMessage, ServerMessage } from './messages.ts';
import { PeerMessage } from './peer-messages.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses one text frame: JSON first, then the schema. Never throws. */
function parseFrame<S extends z.ZodType>(schema: S, text: string): ParseResult<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      reason: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid',
    };
  }
  return { ok: true, value: result.data };
}

export const parseClientMessage = (text: string): ParseResult<ClientMessage> =>
  parseFrame(ClientMessage, text);
export const parseServerMessage = (text: string): ParseResult<ServerMessage> =>
  parseFrame(ServerMessage, text);
export const parsePeerMessage = (text: string): ParseResult<PeerMessage> => parseFrame(PeerMessage, text);
