import { LIMITS } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig, type Config } from './config.ts';
import { DEV_ORIGINS } from './signaling/origin.ts';

function parsed(env: Record<string, string>): Config {
  const result = parseConfig(env);
  if (!result.ok) throw new Error(result.message);
  return result.config;
}

describe('configuration', () => {
  it('an empty environment gives the documented defaults, which build() starts from', () => {
    expect(parsed({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      maxMessageBytes: LIMITS.maxMessageBytes,
      roomCapacity: LIMITS.roomCapacity,
      heartbeatMs: LIMITS.heartbeatMs,
      rateBurst: LIMITS.rateBurst,
      ratePerSecond: LIMITS.ratePerSecond,
      rateStrikes: LIMITS.rateStrikes,
      turnTtlSeconds: LIMITS.turnTtlSeconds,
      resumeGraceMs: LIMITS.resumeGraceMs,
      allowedOrigins: DEV_ORIGINS,
      redisUrl: undefined,
      faultInjection: false,
      trustProxy: false,
    });
  });

  it('reads each variable into its field', () => {
    const config = parsed({
      PORT: '0',
      ROOM_CAPACITY: '3',
      HEARTBEAT_MS: '250',
      TURN_URLS: 'turn:a:3478, turn:b:3478',
      TURN_SECRET: 'turn-secret',
      TURN_TTL_S: '60',
      ALLOWED_ORIGINS: 'https://call.example.org',
      RESUME_GRACE_MS: '0',
      REDIS_URL: 'redis://127.0.0.1:6379',
      FAULT_INJECTION: '1',
    });
    expect(config).toMatchObject({
      port: 0,
      roomCapacity: 3,
      heartbeatMs: 250,
      turnUrls: ['turn:a:3478', 'turn:b:3478'],
      turnSecret: 'turn-secret',
      turnTtlSeconds: 60,
      allowedOrigins: ['https://call.example.org'],
      resumeGraceMs: 0,
      redisUrl: 'redis://127.0.0.1:6379',
      faultInjection: true,
    });
  });

  it('reads the per-address limits, where 0 turns one off and a negative one is refused', () => {
    expect(DEFAULT_CONFIG).toMatchObject({
      addressMaxSockets: LIMITS.addressMaxSockets,
      addressNewSocketsPerMinute: LIMITS.addressNewSocketsPerMinute,
      passwordBackoffMaxMs: LIMITS.passwordBackoffMaxMs,
    });
    expect(
      parsed({
        ADDRESS_MAX_SOCKETS: '0',
        ADDRESS_NEW_SOCKETS_PER_MINUTE: '30',
        PASSWORD_BACKOFF_MAX_MS: '5000',
      }),
    ).toMatchObject({ addressMaxSockets: 0, addressNewSocketsPerMinute: 30, passwordBackoffMaxMs: 5000 });
    expect(parseConfig({ ADDRESS_MAX_SOCKETS: '-1' })).toEqual({
      ok: false,
      message: expect.stringMatching(/^Invalid configuration: ADDRESS_MAX_SOCKETS \(got "-1"\): /),
    });
  });

  it('treats an empty variable as unset, and LAN mode listens on every interface', () => {
    expect(parsed({ ROOM_CAPACITY: '', ALLOWED_ORIGINS: '' })).toMatchObject({
      roomCapacity: LIMITS.roomCapacity,
      allowedOrigins: DEV_ORIGINS,
    });
    expect(parsed({ LAN: '1' }).host).toBe('0.0.0.0');
    expect(parsed({ LAN: '1', HOST: '192.0.2.1' }).host).toBe('192.0.2.1');
  });

  it('names a bad variable in one line, and never echoes a secret', () => {
    expect(parseConfig({ ROOM_CAPACITY: 'zero' })).toEqual({
      ok: false,
      message: expect.stringMatching(/^Invalid configuration: ROOM_CAPACITY \(got "zero"\): /),
    });
    const secret = parseConfig({ RESUME_SECRET: 'short' });
    expect(secret.ok).toBe(false);
    expect(secret.ok ? '' : secret.message).not.toContain('short');
    const token = parseConfig({ ADMIN_TOKEN: 'tiny-token' });
    expect(token.ok ? '' : token.message).toMatch(/ADMIN_TOKEN/);
    expect(token.ok ? '' : token.message).not.toContain('tiny-token');
  });

  it('reads several media servers and the operator token', () => {
    const parsed = parseConfig({
      JANUS_URLS: 'ws://10.0.0.1:8188,ws://10.0.0.2:8188',
      ADMIN_TOKEN: 'an-operator-token-of-length',
    });
    expect(parsed.ok && parsed.config.janusUrls).toEqual(['ws://10.0.0.1:8188', 'ws://10.0.0.2:8188']);
    expect(parsed.ok && parsed.config.adminToken).toBe('an-operator-token-of-length');
  });
});
