import { correction, generate } from 'lean-qr';
import { toSvgDataURL } from 'lean-qr/extras/svg';

/**
 * A QR code of `text` as an SVG data URL. Medium error correction survives a phone's camera at
 * an angle or a smudged screen. Black on white whatever the page's theme (a scanner wants dark
 * modules on a light ground), with a quiet zone two modules wide.
 */
export function qrCodeDataUrl(text: string): string {
  const code = generate(text, { minCorrectionLevel: correction.M });
  return toSvgDataURL(code, { on: '#000', off: '#fff', pad: 2 });
}
