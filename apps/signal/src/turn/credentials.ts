/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest-00, coturn `use-auth-secret`):
 * the username carries its own expiry, the credential is an HMAC the TURN server can
 * recompute from the shared secret. The secret itself never leaves this process.
 */
import { createHmac } from 'node:crypto';
import type { IceServer, PeerId } from '@app/protocol';

export interface TurnCredentials {
  username: string;
  credential: string;
}

/** `username = "<unix-expiry>:<peerId>"`, `credential = base64(HMAC-SHA1(secret, username))`. */
export function turnCredentials(
  secret: string,
  peerId: PeerId,
  ttlSeconds: number,
  nowMs: number = Date.now(),
): TurnCredentials {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${peerId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

export interface IceConfig {
  stunUrls: readonly string[];
  turnUrls: readonly string[];
  turnSecret?: string | undefined;
  turnTtlSeconds: number;
}

/** The ICE servers handed to one peer in `joined`; TURN entries get that peer's own credentials. */
export function iceServersFor(config: IceConfig, peerId: PeerId, nowMs: number = Date.now()): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: [...config.stunUrls] });
  if (config.turnUrls.length > 0 && config.turnSecret !== undefined) {
    const { username, credential } = turnCredentials(config.turnSecret, peerId, config.turnTtlSeconds, nowMs);
    servers.push({ urls: [...config.turnUrls], username, credential });
  }
  return servers;
}
