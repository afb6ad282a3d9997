import QRCode from 'qrcode';

/**
 * A QR code of `url` drawn with block characters, two modules per character cell (`small`),
 * so that it fits an 80x24 terminal for a typical LAN URL and a phone camera can scan it.
 */
export function qrForTerminal(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'terminal', small: true });
}
