import { describe, expect, it } from 'vitest';
import { ClientMessage, ServerMessage, SignalData, parseClientMessage, parseServerMessage } from './index.ts';

const peerId = 'AbCdEfGhIjKlMnOpQrStUv';

describe('client messages', () => {
  it.each([
    { type: 'join', room: 'team-standup_1', name: 'Ada' },
    { type: 'join', room: 'a', name: '  Ada  ', password: 'secret' },
    { type: 'join', room: 'a', name: 'Ada', resume: 'token' },
    { type: 'signal', to: peerId, data: { description: { type: 'offer', sdp: 'v=0' } } },
    {
      type: 'signal',
      to: peerId,
      data: {
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
      },
    },
    { type: 'signal', to: peerId, data: { candidate: null } },
    { type: 'leave' },
    { type: 'hand', raised: true },
    { type: 'react', emoji: '👍' },
    { type: 'react', emoji: '❤️' },
  ])('accepts $type', (message) => {
    expect(ClientMessage.safeParse(message).success).toBe(true);
  });

  it('trims names and ignores unknown extra fields', () => {
    const parsed = ClientMessage.parse({ type: 'join', room: 'r', name: '  Ada ', extra: 1 });
    expect(parsed).toEqual({ type: 'join', room: 'r', name: 'Ada' });
  });

  it.each([
    ['unknown type', { type: 'hello' }],
    ['hand without raised', { type: 'hand' }],
    ['a reaction outside the set', { type: 'react', emoji: '💩' }],
    ['a heart without its variation selector', { type: 'react', emoji: '❤' }],
    ['missing type', { room: 'r', name: 'n' }],
    ['room with a slash', { type: 'join', room: 'a/b', name: 'n' }],
    ['empty room', { type: 'join', room: '', name: 'n' }],
    ['room of 65 characters', { type: 'join', room: 'a'.repeat(65), name: 'n' }],
    ['blank name', { type: 'join', room: 'r', name: '   ' }],
    ['name of 41 characters', { type: 'join', room: 'r', name: 'x'.repeat(41) }],
    ['numeric name', { type: 'join', room: 'r', name: 7 }],
    ['empty password', { type: 'join', room: 'r', name: 'n', password: '' }],
    ['password of 129 characters', { type: 'join', room: 'r', name: 'n', password: 'p'.repeat(129) }],
    ['signal without to', { type: 'signal', data: { candidate: null } }],
    ['signal to a malformed id', { type: 'signal', to: 'x', data: { candidate: null } }],
    [
      'signal with both description and candidate',
      { type: 'signal', to: peerId, data: { candidate: null, description: { type: 'offer', sdp: '' } } },
    ],
    [
      'signal with an unknown description type',
      { type: 'signal', to: peerId, data: { description: { type: 'bogus', sdp: '' } } },
    ],
    ['signal with empty data', { type: 'signal', to: peerId, data: {} }],
  ])('refuses %s', (_label, message) => {
    expect(ClientMessage.safeParse(message).success).toBe(false);
  });
});

describe('parseClientMessage', () => {
  it.each([
    ['not JSON', '{nope', 'not JSON'],
    ['an array', '[1,2]', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['a number', '42', 'not a JSON object'],
  ])('refuses %s', (_label, text, reason) => {
    expect(parseClientMessage(text)).toEqual({ ok: false, reason });
  });

  it('names the failing field', () => {
    const result = parseClientMessage(JSON.stringify({ type: 'join', room: 'a b', name: 'n' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^room:/);
  });
});

describe('server messages', () => {
  it('parses every kind', () => {
    const messages = [
      {
        type: 'joined',
        room: 'r',
        self: peerId,
        peers: [{ id: peerId, name: 'Bo' }],
        iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
        capacity: 6,
      },
      { type: 'peer-joined', peer: { id: peerId, name: 'Bo' } },
      { type: 'peer-left', id: peerId },
      { type: 'signal', from: peerId, data: { candidate: null } },
      { type: 'error', code: 'room-full', message: 'full' },
      { type: 'error', code: 'too-many-attempts', message: 'wait', retryAfterMs: 4000 },
    ];
    for (const message of messages) expect(parseServerMessage(JSON.stringify(message)).ok).toBe(true);
  });

  it('refuses an unknown error code', () => {
    expect(ServerMessage.safeParse({ type: 'error', code: 'oops', message: '' }).success).toBe(false);
    expect(
      ServerMessage.safeParse({ type: 'error', code: 'too-many-attempts', message: '', retryAfterMs: -1 })
        .success,
    ).toBe(false);
  });
});

describe('SignalData', () => {
  it('accepts a rollback without sdp content', () => {
    expect(SignalData.safeParse({ description: { type: 'rollback', sdp: '' } }).success).toBe(true);
  });
});

describe('topology', () => {
  it('says where the media goes, and may ask to publish afresh on another media server', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'topology', topology: 'sfu' })).ok).toBe(true);
    const restart = parseServerMessage(JSON.stringify({ type: 'topology', topology: 'sfu', restart: true }));
    expect(restart).toEqual({ ok: true, value: { type: 'topology', topology: 'sfu', restart: true } });
  });

  it('refuses a restart that is not `true`', () => {
    for (const restart of [false, 'yes', 1]) {
      const message = { type: 'topology', topology: 'sfu', restart };
      expect(ServerMessage.safeParse(message).success).toBe(false);
    }
  });
});
