/** Widest photo sent: sharp on any chat column, and a 1280-wide JPEG stays well under the 4 MiB cap. */
export const PHOTO_MAX_WIDTH = 1280;
/** JPEG quality: visually clean for faces, about a third of the bytes of 0.95. */
export const PHOTO_QUALITY = 0.85;

export interface CapturedPhoto {
  blob: Blob;
  width: number;
  height: number;
  mime: 'image/jpeg';
}

/** Size of a frame scaled down (never up) to at most `maxWidth` wide, keeping its shape. */
export function photoSize(videoWidth: number, videoHeight: number, maxWidth = PHOTO_MAX_WIDTH) {
  const scale = Math.min(1, maxWidth / videoWidth);
  return {
    width: Math.max(1, Math.round(videoWidth * scale)),
    height: Math.max(1, Math.round(videoHeight * scale)),
  };
}

/**
 * The frame the local `<video>` shows now, as a JPEG. The video element is used (not the
 * track through ImageCapture) because it is the frame the person sees in the self view,
 * effects included, and it works in every browser.
 */
export async function capturePhoto(video: HTMLVideoElement): Promise<CapturedPhoto> {
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) {
    throw new Error('The camera has no picture yet.');
  }
  const { width, height } = photoSize(video.videoWidth, video.videoHeight);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('Canvas 2D is not available.');
  context.drawImage(video, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) =>
    canvas.toBlob(resolve, 'image/jpeg', PHOTO_QUALITY),
  );
  if (!blob) throw new Error('The photo could not be encoded.');
  return { blob, width, height, mime: 'image/jpeg' };
}
