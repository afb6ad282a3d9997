import { qrForTerminal } from './qr.ts';

export interface BannerOptions {
  /** Where the lines go; the terminal by default. */
  write?: (text: string) => void;
  /** What the URLs lead to, e.g. "the call app". */
  title?: string;
}

/**
 * Prints every LAN URL and a QR code of the first one, so a phone on the same network can
 * open the app by pointing its camera at the terminal. Returns the printed text.
 */
export async function printLanBanner(urls: readonly string[], options: BannerOptions = {}): Promise<string> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const title = options.title ?? 'the app';
  const lines: string[] = [''];
  if (urls.length === 0) {
    lines.push(`No network address found: ${title} is reachable on this machine only.`, '');
    return emit(lines, write);
  }
  lines.push(`Open ${title} from another device on this network:`);
  for (const url of urls) lines.push(`  ${url}`);
  lines.push(
    '',
    'The certificate is self-signed: accept the browser warning once on each device.',
    `Scan to open ${urls[0]} :`,
    '',
    await qrForTerminal(urls[0] as string),
  );
  return emit(lines, write);
}

function emit(lines: string[], write: (text: string) => void): string {
  const text = `${lines.join('\n')}\n`;
  write(text);
  return text;
}
