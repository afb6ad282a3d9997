import type { EventEmitter } from 'node:events';
import type * as z from 'zod';
import { fromVideoRoomError, MediaServerError } from './errors.ts';
import type { HandleEvents, JanusHandle } from './JanusHandle.ts';
import type { Jsep } from './messages.ts';
import { VideoRoomError } from './videoroom-messages.ts';

/**
 * One VideoRoom request: the plugin's answer is checked for its error form first (mapped to
 * our catalogue), then parsed with the schema the caller expects.
 */
export async function videoroomRequest<S extends z.ZodType>(
  handle: JanusHandle,
  body: Record<string, unknown>,
  schema: S,
  jsep?: Jsep,
): Promise<{ data: z.infer<S>; jsep?: Jsep }> {
  const operation = `videoroom.${String(body.request)}`;
  const reply = await handle.message(body, operation, jsep);
  const error = VideoRoomError.safeParse(reply.data);
  if (error.success) throw fromVideoRoomError(error.data.error_code, operation);
  const parsed = schema.safeParse(reply.data);
  if (!parsed.success) throw new MediaServerError('media-server-error', operation);
  return { data: parsed.data, ...(reply.jsep ? { jsep: reply.jsep } : {}) };
}

/** The PeerConnection events a publisher or subscriber passes on from its handle. */
export type PeerEvents = Omit<HandleEvents, 'event'>;

/**
 * Why Janus ends a PeerConnection when someone meant it to end: the browser closed it (a DTLS
 * alert: a reload, a rebuilt connection), or this server hung up, unpublished or detached.
 */
const INTENDED_HANGUPS: ReadonlySet<string> = new Set(['DTLS alert', 'Close PC', 'Janus API', 'Detach']);

/**
 * Whether a hangup is a breakdown nobody asked for (the DTLS handshake timed out on a starved
 * machine, ICE failed for good): nothing flows on that connection again.
 */
export function isBreakdown(reason: string | undefined): reason is string {
  return reason !== undefined && !INTENDED_HANGUPS.has(reason);
}

/** Re-emits a handle's PeerConnection events on its owner. */
export function relayPeerEvents(handle: JanusHandle, peer: EventEmitter<PeerEvents>): void {
  handle.on('candidate', (candidate) => peer.emit('candidate', candidate));
  handle.on('webrtcup', () => peer.emit('webrtcup'));
  handle.on('media', (state) => peer.emit('media', state));
  handle.on('slowlink', (report) => peer.emit('slowlink', report));
  handle.on('hangup', (reason) => peer.emit('hangup', reason));
  handle.on('detached', () => {
    peer.emit('detached');
    peer.removeAllListeners();
  });
}
