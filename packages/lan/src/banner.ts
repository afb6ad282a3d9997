import { isLoopbackUrl } from './network.ts';
import { qrForTerminal } from './qr.ts';

export interface BannerOptions {
  /** Where the text goes; the terminal by default. */
  write?: (text: string) => void;
  /** What the URLs lead to, e.g. "the call app". */
  title?: string;
  /** Add the note about accepting a self-signed certificate. */
  isSelfSigned?: boolean;
}

/**
 * Prints every URL and a QR code of the first one another device can open, so a phone on the
 * same network can join by pointing its camera at the terminal. Returns the printed text.
 */
export async function printLanBanner(urls: readonly string[], options: BannerOptions = {}): Promise<string> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const title = options.title ?? 'the app';
  const lines: string[] = ['', `Open ${title} at:`, ...urls.map((url) => `  ${url}`), ''];
  const lanUrl = urls.find((url) => !isLoopbackUrl(url));
  if (!lanUrl) {
    lines.push('No network address found: other devices cannot reach this machine.', '');
  } else {
    if (options.isSelfSigned ?? true) {
      lines.push('The certificate is self-signed: accept the browser warning once on each device.');
    }
    lines.push(`Scan to open ${lanUrl} on a phone:`, '', await qrForTerminal(lanUrl));
  }
  const text = `${lines.join('\n')}\n`;
  write(text);
  return text;
}
