import * as z from 'zod';
import { JanusId } from './messages.ts';

/**
 * The VideoRoom plugin's answers and notifications (Janus 1.1, multistream API, numeric ids:
 * deploy/janus sets string_ids = false), as zod schemas.
 */
export const VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';

const MediaType = z.enum(['audio', 'video', 'data']);

/** One stream a publisher sends. */
export const PublishedStream = z.object({
  type: MediaType,
  mindex: z.int(),
  mid: z.string(),
  disabled: z.boolean().optional(),
  codec: z.string().optional(),
  description: z.string().optional(),
  simulcast: z.boolean().optional(),
});
export type PublishedStream = z.infer<typeof PublishedStream>;

export const Feed = z.object({
  id: JanusId,
  display: z.string().optional(),
  streams: z.array(PublishedStream).default([]),
});
export type Feed = z.infer<typeof Feed>;

/** One m-line of a subscription. A data stream may carry several publishers' data, and no feed. */
export const SubscriptionStream = z.object({
  mindex: z.int(),
  mid: z.string(),
  type: MediaType,
  active: z.boolean().optional(),
  feed_id: JanusId.optional(),
  feed_mid: z.string().optional(),
  feed_display: z.string().optional(),
  send: z.boolean().optional(),
  ready: z.boolean().optional(),
});
export type SubscriptionStream = z.infer<typeof SubscriptionStream>;

export const VideoRoomError = z.object({
  videoroom: z.literal('event'),
  error_code: z.int(),
  error: z.string().optional(),
});

export const Created = z.object({ videoroom: z.literal('created'), room: JanusId });
export const Destroyed = z.object({ videoroom: z.literal('destroyed'), room: JanusId });

export const Participants = z.object({
  videoroom: z.literal('participants'),
  room: JanusId,
  participants: z.array(z.object({ id: JanusId, display: z.string().optional(), publisher: z.boolean() })),
});

export const Joined = z.object({
  videoroom: z.literal('joined'),
  room: JanusId,
  id: JanusId,
  private_id: JanusId,
  publishers: z.array(Feed).default([]),
});

/** A subscription was made: its streams, with Janus's offer beside. */
export const Attached = z.object({
  videoroom: z.literal('attached'),
  room: JanusId,
  streams: z.array(SubscriptionStream).default([]),
});

/** A subscription changed; `streams` is missing when the SDP did not need to change. */
export const Updated = z.object({
  videoroom: z.literal('updated'),
  room: JanusId,
  streams: z.array(SubscriptionStream).optional(),
});

/** An update waits for the answer to Janus's previous offer; the new offer comes as a notification. */
export const Updating = z.object({ videoroom: z.literal('updating'), room: JanusId });

/** `{ videoroom: 'event', <field>: 'ok' }`, the plugin's plain acknowledgements. */
export function okEvent<F extends string>(field: F) {
  return z.object({ videoroom: z.literal('event'), [field]: z.literal('ok') } as {
    videoroom: z.ZodLiteral<'event'>;
  } & Record<F, z.ZodLiteral<'ok'>>);
}

export const Switched = z.object({
  videoroom: z.literal('event'),
  switched: z.literal('ok'),
  changes: z.int(),
  streams: z.array(SubscriptionStream).default([]),
});

/** Room notifications to every participant that joined as a publisher. */
export const RoomNotification = z.union([
  z.object({ videoroom: z.literal('event'), room: JanusId, publishers: z.array(Feed) }),
  z.object({ videoroom: z.literal('event'), room: JanusId, unpublished: JanusId }),
  z.object({ videoroom: z.literal('event'), room: JanusId, leaving: JanusId }),
  z.object({ videoroom: z.literal('event'), room: JanusId, kicked: JanusId }),
  Destroyed,
]);
export type RoomNotification = z.infer<typeof RoomNotification>;
