/** Svelte actions for media elements. */

/** Binds a MediaStream to a <video>/<audio> element (srcObject cannot be set from markup). */
export function srcObject(node: HTMLMediaElement, stream: MediaStream | null) {
  node.srcObject = stream;
  return {
    update(next: MediaStream | null) {
      if (node.srcObject !== next) node.srcObject = next;
    },
    destroy() {
      node.srcObject = null;
    },
  };
}

type FrameVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * Calls `onFrame` once, when the element shows its first video frame (the moment a person
 * sees the other: the `call:first-remote-frame` mark, see README). Falls back to `loadeddata`.
 */
export function whenFirstFrame(video: HTMLVideoElement, onFrame: () => void): () => void {
  const element = video as FrameVideo;
  if (typeof element.requestVideoFrameCallback === 'function') {
    const handle = element.requestVideoFrameCallback(() => onFrame());
    return () => element.cancelVideoFrameCallback?.(handle);
  }
  const listener = () => onFrame();
  video.addEventListener('loadeddata', listener, { once: true });
  return () => video.removeEventListener('loadeddata', listener);
}
