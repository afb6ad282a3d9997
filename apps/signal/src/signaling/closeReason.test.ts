import { describe, expect, it } from 'vitest';
import { holdsSeat, reasonOfClose, reasonOfSocketError, type CloseReason } from './closeReason.ts';

describe('close classification', () => {
  it('names the client protocol errors ws closes the socket for', () => {
    expect(reasonOfSocketError('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')).toBe('too-big');
    expect(reasonOfSocketError('WS_ERR_INVALID_OPCODE')).toBe('protocol');
    expect(reasonOfSocketError('ECONNRESET')).toBeUndefined();
    expect(reasonOfSocketError(undefined)).toBeUndefined();
  });

  it('takes a recorded reason first, else 1006 is a fault and any close frame the client', () => {
    expect(reasonOfClose('heartbeat', 1006)).toBe('heartbeat');
    expect(reasonOfClose('rate-limit', 1008)).toBe('rate-limit');
    expect(reasonOfClose(undefined, 1006)).toBe('fault');
    expect(reasonOfClose(undefined, 1000)).toBe('client');
    expect(reasonOfClose(undefined, 1001)).toBe('client');
  });

  it('holds the seat only for a network fault or our own store failing', () => {
    const all: CloseReason[] = [
      'client',
      'fault',
      'heartbeat',
      'rate-limit',
      'too-big',
      'protocol',
      'shutdown',
      'replaced',
      'server-error',
    ];
    expect(all.filter(holdsSeat)).toEqual(['fault', 'server-error']);
  });
});
