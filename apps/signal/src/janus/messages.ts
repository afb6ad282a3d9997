import * as z from 'zod';

/**
 * Every frame Janus sends on its WebSocket API (Janus 1.1), as zod schemas. Ids are numbers
 * that Janus keeps below 2^53, so they are exact in JavaScript; `z.int()` checks that.
 */
export const JanusId = z.int().positive();

export const Jsep = z.object({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1),
});
export type Jsep = z.infer<typeof Jsep>;

/** A candidate as RTCIceCandidateInit carries it; Janus sends the same three fields. */
export const Candidate = z.object({
  candidate: z.string(),
  sdpMid: z.string().nullish(),
  sdpMLineIndex: z.int().nonnegative().nullish(),
});
export type Candidate = z.infer<typeof Candidate>;

const PluginData = z.object({
  plugin: z.string(),
  data: z.record(z.string(), z.unknown()),
});

const Addressed = { session_id: JanusId, sender: JanusId };

const Success = z.object({
  janus: z.literal('success'),
  transaction: z.string(),
  session_id: JanusId.optional(),
  sender: JanusId.optional(),
  /** The new session's or handle's id, for create and attach. */
  data: z.object({ id: JanusId }).optional(),
  /** A plugin's synchronous answer. */
  plugindata: PluginData.optional(),
});

const Failure = z.object({
  janus: z.literal('error'),
  transaction: z.string().optional(),
  session_id: JanusId.optional(),
  error: z.object({ code: z.int(), reason: z.string().optional() }),
});

/** An asynchronous request was accepted; its outcome comes later as an `event` with the same transaction. */
const Ack = z.object({
  janus: z.literal('ack'),
  transaction: z.string(),
  session_id: JanusId.optional(),
});

const ServerInfo = z.looseObject({
  janus: z.literal('server_info'),
  transaction: z.string(),
  version_string: z.string(),
  'session-timeout': z.int(),
  'reclaim-session-timeout': z.int(),
  plugins: z.record(z.string(), z.unknown()),
  transports: z.record(z.string(), z.unknown()),
});
export type ServerInfo = z.infer<typeof ServerInfo>;

const PluginEvent = z.object({
  janus: z.literal('event'),
  ...Addressed,
  transaction: z.string().optional(),
  plugindata: PluginData,
  jsep: Jsep.optional(),
});

const WebrtcUp = z.object({ janus: z.literal('webrtcup'), ...Addressed });

const Media = z.object({
  janus: z.literal('media'),
  ...Addressed,
  mid: z.string().optional(),
  type: z.enum(['audio', 'video']),
  receiving: z.boolean(),
  substream: z.int().optional(),
  seconds: z.int().optional(),
});

const SlowLink = z.object({
  janus: z.literal('slowlink'),
  ...Addressed,
  mid: z.string().optional(),
  media: z.enum(['audio', 'video']),
  uplink: z.boolean(),
  lost: z.int(),
});

const Hangup = z.object({ janus: z.literal('hangup'), ...Addressed, reason: z.string().optional() });
const Detached = z.object({ janus: z.literal('detached'), ...Addressed });
const Timeout = z.object({ janus: z.literal('timeout'), session_id: JanusId });

/** Janus's own candidates (full-trickle); `completed` is its end of candidates. */
const Trickle = z.object({
  janus: z.literal('trickle'),
  ...Addressed,
  candidate: z.union([z.object({ completed: z.literal(true) }), Candidate]),
});

export const JanusMessage = z.discriminatedUnion('janus', [
  Success,
  Failure,
  Ack,
  ServerInfo,
  PluginEvent,
  WebrtcUp,
  Media,
  SlowLink,
  Hangup,
  Detached,
  Timeout,
  Trickle,
]);
export type JanusMessage = z.infer<typeof JanusMessage>;
export type JanusReply = Extract<
  JanusMessage,
  { janus: 'success' | 'error' | 'ack' | 'server_info' | 'event' }
>;
export type HandleMessage = Extract<JanusMessage, { sender: number }>;
export type MediaState = z.infer<typeof Media>;
export type SlowLinkReport = z.infer<typeof SlowLink>;

/** Parses one frame. Never throws; a bad frame's transaction is still returned, to fail its request. */
export function parseJanusFrame(
  text: string,
): { ok: true; message: JanusMessage } | { ok: false; reason: string; transaction?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const result = JanusMessage.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const transaction = z.object({ transaction: z.string() }).safeParse(json);
  return {
    ok: false,
    reason: issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'invalid',
    ...(transaction.success ? { transaction: transaction.data.transaction } : {}),
  };
}
