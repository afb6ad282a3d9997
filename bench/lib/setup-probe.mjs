/**
 * Where a call's set-up time goes, observed from outside the product: an init script that
 * wraps the page's WebSocket and RTCPeerConnection and notes, in `window.__setup`, when each
 * signaling message is sent or received and when each connection's descriptions, candidates
 * and states change, on the wall clock (`performance.timeOrigin + performance.now()`, so
 * pages in different browser processes share one time line). The product's code does not
 * know about it; `setupSteps` turns two pages' notes into the steps of one set-up.
 */

/** Runs in the page before any of its scripts (page.addInitScript). */
export function setupProbe() {
  const notes = [];
  const note = (event) => notes.push({ at: performance.timeOrigin + performance.now(), event });
  Object.defineProperty(window, '__setup', { value: notes });
  Object.defineProperty(window, '__setupNote', { value: note });

  // Frames whose main-thread work took over 50 ms: what a step waited behind, and whose
  // script it was.
  new PerformanceObserver((list) => {
    for (const frame of list.getEntries()) {
      const scripts = [...(frame.scripts ?? [])]
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 2)
        .map((script) => `${script.invoker} ${Math.round(script.duration)} ms`)
        .join(', ');
      const layout = Math.round(frame.startTime + frame.duration - (frame.renderStart || frame.startTime));
      notes.push({
        at: performance.timeOrigin + frame.startTime,
        event: `long frame ${Math.round(frame.duration)} ms (render ${layout} ms; ${scripts})`,
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });

  const label = (text) => {
    try {
      const message = JSON.parse(String(text));
      const data = message.data;
      if (data?.description) return `${message.type}:${data.description.type}`;
      if (data && 'candidate' in data) return `${message.type}:${data.candidate ? 'candidate' : 'end'}`;
      return message.type;
    } catch {
      return 'frame';
    }
  };
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => note('ws open'));
      this.addEventListener('message', (event) => note(`received ${label(event.data)}`));
    }
    send(data) {
      note(`sent ${label(data)}`);
      return super.send(data);
    }
  };

  const NativePeerConnection = window.RTCPeerConnection;
  let count = 0;
  window.RTCPeerConnection = class extends NativePeerConnection {
    #mark;
    constructor(...args) {
      super(...args);
      const id = count++;
      const mark = (this.#mark = (event) => note(`pc${id} ${event}`));
      mark('created');
      this.addEventListener('icecandidate', (event) =>
        mark(event.candidate ? 'candidate' : 'end-of-candidates'),
      );
      this.addEventListener('icegatheringstatechange', () => mark(`gathering ${this.iceGatheringState}`));
      this.addEventListener('iceconnectionstatechange', () => mark(`ice ${this.iceConnectionState}`));
      this.addEventListener('connectionstatechange', () => mark(`connection ${this.connectionState}`));
      this.addEventListener('track', ({ track }) => {
        mark(`track ${track.kind}`);
        // A remote track unmutes when its first packets arrive.
        track.addEventListener('unmute', () => mark(`${track.kind} arriving`), { once: true });
      });
    }
    async setLocalDescription(...args) {
      await super.setLocalDescription(...args);
      this.#mark(`local ${this.localDescription?.type}`);
    }
    async setRemoteDescription(description) {
      this.#mark(`remote ${description?.type} start`);
      await super.setRemoteDescription(description);
      this.#mark(`remote ${description?.type}`);
    }
  };
}

/**
 * The steps of one set-up, in ms after `clickAt`, from the newcomer's and the host's notes
 * (the loopback pair has both connections in one page: pc0 is the caller, pc1 the callee).
 * Each step is the first note matching it after the click; a connection made before the click
 * (the web app makes its first one on the pre-join screen) was ready at 0.
 */
export const STEPS = [
  ['join sent', 'newcomer', /^sent join$/],
  ['joined received', 'newcomer', /^received joined$/],
  ['connection created', 'newcomer', /^pc\d+ created$/],
  ['offer created', 'newcomer', /^pc\d+ local offer$/],
  ['offer delivered', 'host', /^pc\d+ remote offer start$/],
  ['offer applied', 'host', /^pc\d+ remote offer$/],
  ['answer created', 'host', /^pc\d+ local answer$/],
  ['answer applied', 'newcomer', /^pc\d+ remote answer$/],
  ['first candidate, newcomer', 'newcomer', /^pc\d+ candidate$/],
  ['first candidate, other side', 'host', /^pc\d+ candidate$/],
  ['ICE connected', 'newcomer', /^pc\d+ ice connected$/],
  ['DTLS connected', 'newcomer', /^pc\d+ connection connected$/],
  ['video arriving', 'newcomer', /^pc\d+ video arriving$/],
  ['first frame decoded', 'newcomer', /^first frame$/],
];

export function setupSteps({ clickAt, newcomer, host }) {
  const sides = { newcomer, host };
  const steps = {};
  for (const [step, side, pattern] of STEPS) {
    const found = sides[side].find((entry) => entry.at >= clickAt && pattern.test(entry.event));
    if (found) steps[step] = Math.round(found.at - clickAt);
    else if (step === 'connection created' && sides[side].some((entry) => pattern.test(entry.event))) {
      steps[step] = 0;
    }
  }
  return steps;
}
