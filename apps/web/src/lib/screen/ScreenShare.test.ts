// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ScreenShare, type ScreenTarget } from './ScreenShare.ts';

class FakeTrack extends EventTarget {
  readyState = 'live';
  contentHint = '';
  constructor(readonly label: string) {
    super();
  }
  stop() {
    this.readyState = 'ended';
  }
  /** What the browser does when the person presses its own "Stop sharing". */
  endByBrowser() {
    this.stop();
    this.dispatchEvent(new Event('ended'));
  }
}

class FakeSender {
  track: FakeTrack | null;
  constructor(track: FakeTrack | null) {
    this.track = track;
  }
  async replaceTrack(track: FakeTrack | null) {
    this.track = track;
  }
}

const asTrack = (t: FakeTrack) => t as unknown as MediaStreamTrack;

function setup() {
  const camera = new FakeTrack('camera');
  const screen = new FakeTrack('screen');
  const stream = {
    getVideoTracks: () => [asTrack(screen)],
    getTracks: () => [asTrack(screen)],
  } as MediaStream;
  let requests = 0;
  const share = new ScreenShare({
    getDisplayMedia: async () => {
      requests++;
      return stream;
    },
    cameraTrack: () => asTrack(camera),
  });
  const changes: boolean[] = [];
  share.events.on('change', ({ isSharing }) => changes.push(isSharing));
  return { camera, screen, share, changes, requests: () => requests };
}

function target(sender: FakeSender | null) {
  const added: MediaStreamTrack[] = [];
  const t: ScreenTarget = {
    videoSender: () => sender as unknown as RTCRtpSender | null,
    addTrack: (track) => {
      added.push(track);
      return new FakeSender(track as unknown as FakeTrack) as unknown as RTCRtpSender;
    },
  };
  return { t, added };
}

describe('screen share', () => {
  it('replaces the camera on the existing sender, and puts it back on stop', async () => {
    const { camera, screen, share, changes } = setup();
    const sender = new FakeSender(camera);
    const { t, added } = target(sender);
    share.addTarget(t);
    await share.start();
    expect(share.isSharing).toBe(true);
    expect(sender.track).toBe(screen);
    expect(added).toEqual([]);
    await share.stop();
    expect(sender.track).toBe(camera);
    expect(screen.readyState).toBe('ended');
    expect(changes).toEqual([true, false]);
  });

  it("returns to the camera when the browser's own stop ends the capture", async () => {
    const { camera, screen, share, changes } = setup();
    const sender = new FakeSender(camera);
    share.addTarget(target(sender).t);
    await share.start();
    screen.endByBrowser();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(share.isSharing).toBe(false);
    expect(sender.track).toBe(camera);
    expect(changes).toEqual([true, false]);
  });

  it('adds a track where there is no video sender', async () => {
    const { screen, share } = setup();
    const { t, added } = target(null);
    share.addTarget(t);
    await share.start();
    expect(added).toEqual([screen]);
  });

  it('sends the screen to someone who joins during the share', async () => {
    const { camera, screen, share } = setup();
    await share.start();
    const sender = new FakeSender(camera);
    share.addTarget(target(sender).t);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sender.track).toBe(screen);
  });

  it('reports a refused capture and stays off', async () => {
    const share = new ScreenShare({
      getDisplayMedia: () => Promise.reject(new DOMException('no', 'NotAllowedError')),
      cameraTrack: () => null,
    });
    const errors: string[] = [];
    share.events.on('error', ({ message }) => errors.push(message));
    await share.start();
    expect(share.isSharing).toBe(false);
    expect(errors[0]).toMatch(/not allowed/);
  });
});
