import type { Browser, Page } from 'playwright-core';
import type { Candidate, Jsep } from '../src/janus/index.ts';

/**
 * Real WebRTC peers for the Janus tests: RTCPeerConnections in one headless Chromium page
 * (inside the namespace linked to Janus's), driven by name. The page script is plain
 * JavaScript in a string: this package type-checks against Node, not the DOM.
 */
const PAGE_SCRIPT = String.raw`
window.peers = {};
function peer(name) {
  const entry = window.peers[name];
  if (!entry) throw new Error('no peer ' + name);
  return entry;
}
function open(name) {
  const pc = new RTCPeerConnection();
  const entry = { pc, candidates: [], gathered: 0, isGatheringDone: false, received: [], early: [] };
  pc.onicecandidate = (event) => {
    if (event.candidate) entry.gathered += 1;
    if (event.candidate) entry.candidates.push(event.candidate.toJSON());
    else entry.isGatheringDone = true;
  };
  pc.ontrack = (event) => entry.received.push(event.track.kind);
  window.peers[name] = entry;
  return entry;
}
async function remote(entry, description) {
  await entry.pc.setRemoteDescription(description);
  for (const candidate of entry.early.splice(0)) await entry.pc.addIceCandidate(candidate ?? undefined);
}
function canvasTrack(colour) {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 360;
  const context = canvas.getContext('2d');
  let frame = 0;
  setInterval(() => {
    context.fillStyle = colour;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = 'white';
    context.fillRect((frame++ * 7) % canvas.width, 0, 20, canvas.height);
  }, 66);
  return canvas.captureStream(15).getVideoTracks()[0];
}
window.t = {
  async publish(name, colour, simulcast) {
    const entry = open(name);
    const sendEncodings = simulcast
      ? [{ rid: 'h' }, { rid: 'm', scaleResolutionDownBy: 2 }, { rid: 'l', scaleResolutionDownBy: 4 }]
      : undefined;
    entry.pc.addTransceiver(canvasTrack(colour), { direction: 'sendonly', sendEncodings });
    entry.channel = entry.pc.createDataChannel('chat');
    await entry.pc.setLocalDescription();
    return { type: 'offer', sdp: entry.pc.localDescription.sdp };
  },
  async answer(name, offer) {
    const entry = open(name);
    await remote(entry, offer);
    await entry.pc.setLocalDescription();
    return { type: 'answer', sdp: entry.pc.localDescription.sdp };
  },
  async reanswer(name, offer) {
    const entry = peer(name);
    await remote(entry, offer);
    await entry.pc.setLocalDescription();
    return { type: 'answer', sdp: entry.pc.localDescription.sdp };
  },
  async accept(name, answer) {
    await remote(peer(name), answer);
  },
  async addCandidate(name, candidate) {
    const entry = peer(name);
    // Janus trickles as soon as it has answered: candidates can come before the answer is set.
    if (!entry.pc.remoteDescription) entry.early.push(candidate);
    else await entry.pc.addIceCandidate(candidate ?? undefined);
  },
  takeCandidates(name) {
    const entry = peer(name);
    const candidates = entry.candidates.splice(0);
    return { candidates, isDone: entry.isGatheringDone && entry.candidates.length === 0 };
  },
  state(name) {
    return peer(name).pc.connectionState;
  },
  describe(name) {
    const entry = window.peers[name];
    if (!entry) return name + ': none';
    const pc = entry.pc;
    return name + ': ' + pc.connectionState + ', ice ' + pc.iceConnectionState + ', gathering ' +
      pc.iceGatheringState + ' (' + entry.gathered + ' found), ' + pc.signalingState;
  },
  async video(name) {
    const stats = await peer(name).pc.getStats();
    let result = { framesDecoded: 0, frameWidth: 0 };
    stats.forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video') {
        result = { framesDecoded: report.framesDecoded ?? 0, frameWidth: report.frameWidth ?? 0 };
      }
    });
    return result;
  },
  async videos(name) {
    const stats = await peer(name).pc.getStats();
    const result = [];
    stats.forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video') {
        result.push({ mid: report.mid ?? '', framesDecoded: report.framesDecoded ?? 0, frameWidth: report.frameWidth ?? 0 });
      }
    });
    return result;
  },
  async sending(name) {
    const stats = await peer(name).pc.getStats();
    const layers = [];
    stats.forEach((report) => {
      if (report.type === 'outbound-rtp' && report.kind === 'video' && report.frameWidth) {
        layers.push({ rid: report.rid ?? '', frameWidth: report.frameWidth, fps: report.framesPerSecond ?? 0 });
      }
    });
    return layers;
  },
  close(name) {
    peer(name).pc.close();
    delete window.peers[name];
  },
};
`;

export interface VideoReception {
  framesDecoded: number;
  frameWidth: number;
}

export class PeerPage {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser): Promise<PeerPage> {
    const page = await browser.newPage();
    await page.evaluate(PAGE_SCRIPT);
    return new PeerPage(page);
  }

  #call<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(`window.t.${method}(...${JSON.stringify(args)})`) as Promise<T>;
  }

  /** A sending peer (canvas video, a data channel); resolves with its offer. */
  publish(name: string, colour: string, { simulcast = false } = {}): Promise<Jsep> {
    return this.#call('publish', name, colour, simulcast);
  }

  /** A receiving peer answering Janus's offer. */
  answer(name: string, offer: Jsep): Promise<Jsep> {
    return this.#call('answer', name, offer);
  }

  /** An existing peer answering a renegotiation offer. */
  reanswer(name: string, offer: Jsep): Promise<Jsep> {
    return this.#call('reanswer', name, offer);
  }

  accept(name: string, answer: Jsep): Promise<void> {
    return this.#call('accept', name, answer);
  }

  addCandidate(name: string, candidate: Candidate | null): Promise<void> {
    return this.#call('addCandidate', name, candidate);
  }

  /** The candidates gathered since the last call; `isDone` once gathering ended and all were taken. */
  takeCandidates(name: string): Promise<{ candidates: Candidate[]; isDone: boolean }> {
    return this.#call('takeCandidates', name);
  }

  state(name: string): Promise<string> {
    return this.#call('state', name);
  }

  /** The connection's states and how many candidates it gathered, for a failure's message. */
  describe(name: string): Promise<string> {
    return this.#call('describe', name);
  }

  video(name: string): Promise<VideoReception> {
    return this.#call('video', name);
  }

  /** Every video the peer receives, by m-line. */
  videos(name: string): Promise<(VideoReception & { mid: string })[]> {
    return this.#call('videos', name);
  }

  /** The simulcast layers the peer is sending now, with their widths. */
  sending(name: string): Promise<{ rid: string; frameWidth: number; fps: number }[]> {
    return this.#call('sending', name);
  }

  close(name: string): Promise<void> {
    return this.#call('close', name);
  }
}
