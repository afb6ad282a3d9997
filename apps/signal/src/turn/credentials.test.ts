import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor, turnCredentials } from './credentials.ts';

describe('turnCredentials', () => {
  it('matches a fixed vector (coturn use-auth-secret)', () => {
    // Computed independently: printf '1700003600:peerA' | openssl dgst -sha1 -hmac 'north' -binary | base64
    const result = turnCredentials('north', 'peerA', 3600, 1_700_000_000_000);
    expect(result.username).toBe('1700003600:peerA');
    expect(result.credential).toBe('Xm/Co2noxnAL1MxD4xPLbxL7GF0=');
  });

  it('is the base64 HMAC-SHA1 of the username', () => {
    const { username, credential } = turnCredentials('s3cret', 'AAAAAAAAAAAAAAAAAAAAAA', 60, 1_000_500);
    expect(username).toBe('1060:AAAAAAAAAAAAAAAAAAAAAA');
    expect(credential).toBe(createHmac('sha1', 's3cret').update(username).digest('base64'));
  });
});

describe('iceServersFor', () => {
  it('lists STUN, then TURN with per-peer credentials, never the secret', () => {
    const servers = iceServersFor(
      {
        stunUrls: ['stun:127.0.0.1:3478'],
        turnUrls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'],
        turnSecret: 'topsecret',
        turnTtlSeconds: 3600,
      },
      'peerB',
      0,
    );
    expect(servers).toEqual([
      { urls: ['stun:127.0.0.1:3478'] },
      {
        urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'],
        username: '3600:peerB',
        credential: createHmac('sha1', 'topsecret').update('3600:peerB').digest('base64'),
      },
    ]);
    expect(JSON.stringify(servers)).not.toContain('topsecret');
  });

  it('is empty when nothing is configured', () => {
    expect(iceServersFor({ stunUrls: [], turnUrls: [], turnTtlSeconds: 3600 }, 'p')).toEqual([]);
  });
});
