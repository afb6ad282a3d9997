import type { Locator } from '@playwright/test';
import jsQR from 'jsqr';

/**
 * What a scanner reads from a QR code image on the page: the image as the browser draws it,
 * at its size on screen, decoded by jsQR. Null when nothing can be read.
 */
export async function readQrCode(image: Locator): Promise<string | null> {
  const { width, height, pixels } = await image.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    return {
      width: canvas.width,
      height: canvas.height,
      pixels: Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data),
    };
  });
  return jsQR(Uint8ClampedArray.from(pixels), width, height)?.data ?? null;
}
