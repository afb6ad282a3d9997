/** Random ids made in the browser: rooms people share, and ids of data-channel messages. */

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `length` characters of base64url, 6 random bits each, from the platform CSPRNG. */
export function randomBase64Url(
  length: number,
  random: (bytes: Uint8Array<ArrayBuffer>) => void = fillRandom,
): string {
  const bytes = new Uint8Array(length);
  random(bytes);
  let out = '';
  // 64 divides 256, so masking to 6 bits keeps every character equally likely.
  for (const byte of bytes) out += BASE64URL[byte & 63];
  return out;
}

function fillRandom(bytes: Uint8Array<ArrayBuffer>): void {
  crypto.getRandomValues(bytes);
}

/** A new room: 10 characters = 60 random bits, enough that rooms cannot be guessed. */
export function randomRoomId(): string {
  return randomBase64Url(10);
}

/** An id for a chat message, photo or transfer (protocol MessageId: 8..64 base64url). */
export function randomMessageId(): string {
  return randomBase64Url(16);
}
