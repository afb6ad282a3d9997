import { describe, expect, it } from 'vitest';
import { ScreenShare } from './ScreenShare.ts';

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

function setup(getDisplayMedia?: () => Promise<MediaStream>) {
  const screen = new FakeTrack('screen');
  const track = screen as unknown as MediaStreamTrack;
  const stream = { getVideoTracks: () => [track], getTracks: () => [track] } as MediaStream;
  /** What the connections send as video: the camera unless the screen is put there. */
  let sent: MediaStreamTrack | null | 'camera' = 'camera';
  const share = new ScreenShare({
    getDisplayMedia: getDisplayMedia ?? (async () => stream),
    sendVideo: (t) => void (sent = t ?? 'camera'),
  });
  const changes: boolean[] = [];
  const errors: string[] = [];
  share.events.on('change', ({ isSharing }) => changes.push(isSharing));
  share.events.on('error', ({ reason }) => errors.push(reason));
  return { screen, track, share, changes, errors, sent: () => sent };
}

describe('screen share', () => {
  it('sends the screen instead of the camera, and the camera again after stop', async () => {
    const { screen, track, share, changes, sent } = setup();
    await share.toggle();
    expect(share.isSharing).toBe(true);
    expect(sent()).toBe(track);
    expect(screen.contentHint).toBe('detail');
    await share.toggle();
    expect(share.isSharing).toBe(false);
    expect(sent()).toBe('camera');
    expect(screen.readyState).toBe('ended');
    expect(changes).toEqual([true, false]);
  });

  it("returns to the camera when the browser's own stop ends the capture", async () => {
    const { screen, share, changes, sent } = setup();
    await share.start();
    screen.endByBrowser();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(share.isSharing).toBe(false);
    expect(sent()).toBe('camera');
    expect(changes).toEqual([true, false]);
  });

  it('reports a refused capture and stays off', async () => {
    const { share, errors, sent } = setup(() => Promise.reject(new DOMException('no', 'NotAllowedError')));
    await share.start();
    expect(share.isSharing).toBe(false);
    expect(sent()).toBe('camera');
    expect(errors).toEqual(['not-allowed']);
  });

  it('says nothing when the person closes the picker', async () => {
    const { share, errors } = setup(() => Promise.reject(new DOMException('closed', 'AbortError')));
    await share.start();
    expect(errors).toEqual([]);
  });

  it('stops the capture on close', async () => {
    const { screen, share } = setup();
    await share.start();
    share.close();
    expect(screen.readyState).toBe('ended');
  });
});
