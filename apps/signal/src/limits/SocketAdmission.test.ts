import { describe, expect, it } from 'vitest';
import { SocketAdmission, type Admission } from './SocketAdmission.ts';

function admitted(admission: Admission): () => void {
  if (!admission.ok) throw new Error(`refused by ${admission.limit}`);
  return admission.release;
}

describe('SocketAdmission', () => {
  it('refuses the socket past the concurrent limit, and admits again once one closes', () => {
    let now = 0;
    const admission = new SocketAdmission({ maxSockets: 3, newPerMinute: 100, now: () => now });
    const releases = [1, 2, 3].map(() => admitted(admission.admit('a')));
    expect(admission.admit('a')).toEqual({
      ok: false,
      limit: 'sockets-per-address',
      max: 3,
      retryAfterS: undefined,
    });
    // Another address is not affected.
    admitted(admission.admit('b'));
    releases[0]!();
    // A second release of the same socket changes nothing.
    releases[0]!();
    expect(admission.openSockets('a')).toBe(2);
    now += 1;
    admitted(admission.admit('a'));
    expect(admission.admit('a').ok).toBe(false);
  });

  it('refuses new sockets past the rate, and admits again as the minute goes by', () => {
    let now = 0;
    const admission = new SocketAdmission({ maxSockets: 0, newPerMinute: 60, now: () => now });
    for (let i = 0; i < 60; i++) admitted(admission.admit('a'))();
    expect(admission.admit('a')).toEqual({
      ok: false,
      limit: 'new-sockets-per-address',
      max: 60,
      retryAfterS: 1,
    });
    now += 1000;
    admitted(admission.admit('a'));
    expect(admission.admit('a').ok).toBe(false);
    expect(admission.admit('b').ok).toBe(true);
  });

  it('0 turns a limit off', () => {
    const admission = new SocketAdmission({ maxSockets: 0, newPerMinute: 0, now: () => 0 });
    for (let i = 0; i < 5000; i++) admitted(admission.admit('a'));
    expect(admission.openSockets('a')).toBe(5000);
  });

  it('forgets an address only when it has no socket and its bucket is full again', () => {
    let now = 0;
    const admission = new SocketAdmission({ maxSockets: 10, newPerMinute: 6, now: () => now });
    const held = admitted(admission.admit('holder'));
    for (let i = 0; i < 6; i++) admitted(admission.admit('churner'))();
    now += 30_000;
    admission.admit('other');
    expect(admission.trackedAddresses).toBe(3);
    // A minute on: 'churner' is rested and idle, 'holder' still has its socket.
    now += 60_000;
    admission.admit('other');
    expect(admission.trackedAddresses).toBe(2);
    expect(admission.openSockets('holder')).toBe(1);
    held();
    now += 60_000;
    admission.admit('other');
    expect(admission.trackedAddresses).toBe(1);
  });

  it('an address that churns sockets cannot reset its rate by closing its last one', () => {
    let now = 0;
    const admission = new SocketAdmission({ maxSockets: 10, newPerMinute: 6, now: () => now });
    for (let i = 0; i < 6; i++) admitted(admission.admit('a'))();
    expect(admission.openSockets('a')).toBe(0);
    now += 60_000;
    // A sweep runs first; the address is forgotten only now that its bucket is full again.
    for (let i = 0; i < 6; i++) admitted(admission.admit('a'))();
    now += 1;
    expect(admission.admit('a').ok).toBe(false);
  });
});
