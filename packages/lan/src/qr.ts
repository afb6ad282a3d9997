/**
 * A QR code of `url` drawn with block characters, two modules per character cell (`small`),
 * so that it fits an 80x24 terminal for a typical LAN URL and a phone camera can scan it.
 */
export async function qrForTerminal(url: string): Promise<string> {
  // Loaded only when a banner is printed: a server that never shows one does not carry it.
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(url, { type: 'terminal', small: true });
}
