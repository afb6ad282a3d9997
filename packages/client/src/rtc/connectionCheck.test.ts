import { describe, expect, it } from 'vitest';
import { gatherCandidateKinds, serverKinds } from './connectionCheck.ts';

class GatheringPeerConnection {
  onicecandidate: ((event: { candidate: { type?: string; candidate: string } | null }) => void) | null = null;
  isClosed = false;
  constructor(private readonly lines: string[]) {}
  createDataChannel(): void {}
  async setLocalDescription(): Promise<void> {
    queueMicrotask(() => {
      for (const line of this.lines) this.onicecandidate?.({ candidate: { candidate: line } });
      this.onicecandidate?.({ candidate: null });
    });
  }
  close(): void {
    this.isClosed = true;
  }
}

describe('connection check', () => {
  it('collects the candidate types the browser gathered, then closes the connection', async () => {
    let pc: GatheringPeerConnection | null = null;
    const found = await gatherCandidateKinds([], {
      createPeerConnection: () => {
        pc = new GatheringPeerConnection([
          'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
          'candidate:2 1 udp 41885439 127.0.0.1 49160 typ relay raddr 127.0.0.1 rport 50000',
        ]);
        return pc as unknown as RTCPeerConnection;
      },
    });
    expect([...found].sort()).toEqual(['host', 'relay']);
    expect(pc!.isClosed).toBe(true);
  });

  it('tells which kinds of ICE servers the service hands out', () => {
    const servers = serverKinds([
      { urls: 'stun:127.0.0.1:3478' },
      { urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'u', credential: 'c' },
    ]);
    expect(servers).toEqual({ hasStun: true, hasTurn: true });
    expect(serverKinds([{ urls: 'stun:127.0.0.1:3478' }])).toEqual({ hasStun: true, hasTurn: false });
  });
});
