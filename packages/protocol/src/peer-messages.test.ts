import { describe, expect, it } from 'vitest';
import { FILE_DIGEST_BLOCK_BYTES, PeerMessage, parsePeerMessage } from './index.ts';

const id = 'msg_12345678';

describe('peer messages', () => {
  it.each([
    { type: 'chat', id, text: '<b>hi</b>', sentAt: 1 },
    { type: 'status', isMicOn: true, isCameraOn: false, isSharingScreen: false },
    { type: 'photo', id, mime: 'image/jpeg', size: 1000, width: 640, height: 480, sentAt: 1 },
    { type: 'photo-chunk', id, index: 0, data: 'AAAA' },
    { type: 'file-offer', id, name: 'report.pdf', size: 10, mime: 'application/pdf', sentAt: 1 },
    { type: 'file-accept', id },
    { type: 'file-decline', id },
    { type: 'file-cancel', id, reason: 'cancelled' },
    { type: 'file-end', id, sha256: 'a'.repeat(64) },
    { type: 'file-result', id, ok: true },
    { type: 'file-offer', id, name: 'a', size: 1, mime: '', sentAt: 1, key: 'k'.repeat(22) },
    { type: 'file-resume', id, key: 'k'.repeat(22), from: 0, prefix: 'a'.repeat(64), attempt: 1 },
    { type: 'file-rejoin', id, key: 'k'.repeat(22) },
  ])('accepts $type', (message) => {
    expect(PeerMessage.safeParse(message).success).toBe(true);
  });

  it.each([
    ['blank chat', { type: 'chat', id, text: '  ', sentAt: 1 }],
    ['chat of 4001 characters', { type: 'chat', id, text: 'x'.repeat(4001), sentAt: 1 }],
    ['short id', { type: 'chat', id: 'x', text: 'hi', sentAt: 1 }],
    [
      'photo of an unsupported type',
      { type: 'photo', id, mime: 'image/svg+xml', size: 10, width: 1, height: 1, sentAt: 1 },
    ],
    [
      'photo over the size cap',
      { type: 'photo', id, mime: 'image/jpeg', size: 5 * 1024 * 1024, width: 1, height: 1, sentAt: 1 },
    ],
    ['photo chunk that is not base64', { type: 'photo-chunk', id, index: 0, data: '<script>' }],
    ['negative file size', { type: 'file-offer', id, name: 'a', size: -1, mime: '', sentAt: 1 }],
    ['fractional file size', { type: 'file-offer', id, name: 'a', size: 1.5, mime: '', sentAt: 1 }],
    ['empty file name', { type: 'file-offer', id, name: '', size: 1, mime: '', sentAt: 1 }],
    ['digest in upper case', { type: 'file-end', id, sha256: 'A'.repeat(64) }],
    ['unknown cancel reason', { type: 'file-cancel', id, reason: 'because' }],
    ['short transfer key', { type: 'file-rejoin', id, key: 'k'.repeat(21) }],
    [
      'resume from a negative block',
      { type: 'file-resume', id, key: 'k'.repeat(22), from: -1, prefix: 'a'.repeat(64), attempt: 1 },
    ],
    [
      'resume attempt 0',
      { type: 'file-resume', id, key: 'k'.repeat(22), from: 0, prefix: 'a'.repeat(64), attempt: 0 },
    ],
    ['resume without its key', { type: 'file-resume', id, from: 0, prefix: 'a'.repeat(64), attempt: 1 }],
  ])('refuses %s', (_label, message) => {
    expect(PeerMessage.safeParse(message).success).toBe(false);
  });

  it('refuses text that is not a JSON object', () => {
    expect(parsePeerMessage('"chat"').ok).toBe(false);
  });

  it('keeps the file digest block size: both ends must agree on it', () => {
    expect(FILE_DIGEST_BLOCK_BYTES).toBe(1024 * 1024);
  });
});
