/**
 * What can go wrong with the media server, as a small catalogue of our own: Janus's core and
 * VideoRoom error codes are folded into these, so that callers (and later the browsers, as
 * error codes of the signaling protocol) see stable codes and readable text. Janus's own
 * reason strings, its URLs and any secret stay out of these errors.
 */
export const MEDIA_SERVER_ERRORS = {
  'media-server-unavailable': 'The media server cannot be reached right now.',
  'media-server-timeout': 'The media server did not answer in time.',
  'media-server-error': 'The media server could not carry out the request.',
  'media-session-lost': 'The media server no longer knows this session.',
  'media-unauthorized': 'The media server refused the credentials of the request.',
  'media-room-not-found': 'The media room does not exist on the media server.',
  'media-room-exists': 'A media room with that id already exists on the media server.',
  'media-room-full': 'The media room cannot take another sender.',
  'media-feed-not-found': 'That person is not sending media on the media server.',
  'media-bad-description': 'The media server could not use that session description.',
  'media-wrong-state': 'That request does not fit the state of the media session.',
} as const satisfies Record<string, string>;

export type MediaServerErrorCode = keyof typeof MEDIA_SERVER_ERRORS;

export class MediaServerError extends Error {
  override readonly name = 'MediaServerError';

  constructor(
    readonly code: MediaServerErrorCode,
    /** What we asked for, e.g. `videoroom.join` (never its content). */
    readonly operation: string,
    /** Janus's numeric error code, when Janus answered with one. */
    readonly janusCode?: number,
  ) {
    super(MEDIA_SERVER_ERRORS[code]);
  }
}

/** Janus core errors (apierror.h). */
const CORE_CODES: Record<number, MediaServerErrorCode> = {
  403: 'media-unauthorized', // wrong or missing api secret
  405: 'media-unauthorized',
  458: 'media-session-lost', // no such session
  459: 'media-session-lost', // no such handle
  464: 'media-bad-description', // unknown JSEP type
  465: 'media-bad-description', // invalid SDP
  469: 'media-bad-description', // answer without an offer
  471: 'media-wrong-state', // WebRTC state
  472: 'media-server-unavailable', // not accepting new sessions
};

/** VideoRoom plugin errors (JANUS_VIDEOROOM_ERROR_*). */
const VIDEOROOM_CODES: Record<number, MediaServerErrorCode> = {
  424: 'media-wrong-state', // join first
  425: 'media-wrong-state', // already joined
  426: 'media-room-not-found',
  427: 'media-room-exists',
  428: 'media-feed-not-found',
  431: 'media-bad-description', // wrong SDP type
  432: 'media-room-full', // maximum number of publishers reached
  433: 'media-unauthorized', // wrong room secret, pin or admin key
  434: 'media-wrong-state', // already publishing
  435: 'media-wrong-state', // not publishing
  437: 'media-bad-description', // SDP the plugin could not use
};

export function fromCoreError(code: number, operation: string): MediaServerError {
  return new MediaServerError(CORE_CODES[code] ?? 'media-server-error', operation, code);
}

export function fromVideoRoomError(code: number, operation: string): MediaServerError {
  return new MediaServerError(VIDEOROOM_CODES[code] ?? 'media-server-error', operation, code);
}
