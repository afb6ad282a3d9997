/**
 * What a transfer sends: text, or bytes. A view is sent as the bytes it shows, copied at once
 * (the caller may reuse the buffer).
 */
export type ChannelData = string | ArrayBuffer | Uint8Array<ArrayBuffer>;

/**
 * The part of RTCDataChannel a file transfer uses. RTCDataChannel satisfies it as is;
 * tests pass a fake that controls `bufferedAmount` and the timing of events.
 */
export interface TransferChannel {
  readonly label: string;
  readonly readyState: RTCDataChannelState;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: BinaryType;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: Event) => void) | null;
  onerror: ((event: RTCErrorEvent) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onbufferedamountlow: ((event: Event) => void) | null;
  send(data: ChannelData): void;
  close(): void;
}

/**
 * Label of the data channel that carries one transfer's bytes: `file:<id>` the first time,
 * `file:<id>:<attempt>` for the channel a `file-resume` asked for.
 */
export const transferLabel = (id: string, attempt = 0): string =>
  attempt === 0 ? `file:${id}` : `file:${id}:${attempt}`;

/** The transfer and attempt a file channel's label names, or null for any other label. */
export function parseTransferLabel(label: string): { id: string; attempt: number } | null {
  const match = /^file:([A-Za-z0-9_-]{8,64})(?::([1-9][0-9]{0,15}))?$/.exec(label);
  if (!match) return null;
  const attempt = Number(match[2] ?? 0);
  return Number.isSafeInteger(attempt) ? { id: match[1]!, attempt } : null;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Never more than this many bytes sit in a transfer channel's send queue. Chromium closes
 * a data channel whose queue passes 16 MiB, and a deep queue only adds latency to cancel
 * and to the chat sharing the same SCTP association; 1 MiB keeps a loopback link busy.
 */
export const MAX_QUEUED_BYTES = 1 * MiB;
/**
 * Refill the queue when it drains to this (`bufferedAmountLowThreshold`): half the bound,
 * so a busy page that answers the event late still finds SCTP with data to send.
 */
export const LOW_WATER_BYTES = 512 * KiB;

export const CHUNK_MIN_BYTES = 16 * KiB;
export const CHUNK_MAX_BYTES = 256 * KiB;
/** Used when the SCTP transport does not report its limit yet. */
export const CHUNK_DEFAULT_BYTES = 64 * KiB;

/**
 * Chunk size for a connection whose SCTP transport accepts messages of up to
 * `maxMessageSize` bytes (`pc.sctp.maxMessageSize`: 256 KiB between Chromiums, 1 GiB or
 * Infinity in Firefox, 0/undefined before the association is up). Larger chunks mean fewer
 * `send()` and hash calls; above 256 KiB SCTP interleaving stalls the chat channel that
 * shares the association, and below 16 KiB per-message overhead dominates.
 */
export function chunkSizeFor(maxMessageSize: number | null | undefined): number {
  if (!maxMessageSize || !Number.isFinite(maxMessageSize) || maxMessageSize <= 0) {
    return maxMessageSize === Infinity ? CHUNK_MAX_BYTES : CHUNK_DEFAULT_BYTES;
  }
  return Math.min(CHUNK_MAX_BYTES, Math.max(CHUNK_MIN_BYTES, Math.floor(maxMessageSize)));
}

/**
 * How long the side that cancels keeps the transfer channel open. The peer learns of the
 * cancel from `file-cancel` on the chat channel and then closes the channel itself; if our
 * close reached it first, it would look like a broken connection (SCTP does not order the
 * two channels). The timer only matters when the peer never answers.
 */
export const CANCEL_LINGER_MS = 5000;

/** Drops the channel's handlers and closes it, at once or after `lingerMs`; returns a function that closes it now. */
export function releaseChannel(channel: TransferChannel, lingerMs = 0): () => void {
  channel.onmessage = null;
  channel.onbufferedamountlow = null;
  channel.onopen = null;
  channel.onerror = null;
  if (lingerMs <= 0) {
    channel.onclose = null;
    channel.close();
    return () => undefined;
  }
  const timer = setTimeout(() => channel.close(), lingerMs);
  channel.onclose = () => clearTimeout(timer);
  return () => {
    clearTimeout(timer);
    channel.close();
  };
}
