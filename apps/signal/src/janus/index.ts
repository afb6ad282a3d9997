/** The signaling server's side of the media server (Janus VideoRoom over its WebSocket API). */
export { systemClock, type Clock } from './clock.ts';
export { MEDIA_SERVER_ERRORS, MediaServerError, type MediaServerErrorCode } from './errors.ts';
export {
  JanusConnection,
  type ConnectionEvents,
  type JanusConnectionOptions,
  type JanusLogger,
} from './JanusConnection.ts';
export { JanusHandle, type HandleEvents, type PluginNotification } from './JanusHandle.ts';
export { JanusSession, type SessionLostReason } from './JanusSession.ts';
export { KEEPALIVE_MS } from './Keepalive.ts';
export { type Candidate, type Jsep, type MediaState, type SlowLinkReport } from './messages.ts';
export { Publisher, type ConfigureOptions, type PublishOptions } from './Publisher.ts';
export {
  Subscriber,
  type Layers,
  type StreamRef,
  type SubscriberEvents,
  type UnsubscribeRef,
} from './Subscriber.ts';
export { streamsOfOffer } from './subscription-offer.ts';
export { isBreakdown } from './videoroom-request.ts';
export {
  VIDEOROOM_PLUGIN,
  type Feed,
  type PublishedStream,
  type SubscriptionStream,
} from './videoroom-messages.ts';
export {
  MediaRoom,
  ROOM_WATCHER_DISPLAY,
  VideoRoomClient,
  type CreateRoomOptions,
  type Participant,
  type RoomCredentials,
  type RoomEvents,
  type VideoRoomClientOptions,
} from './VideoRoom.ts';
