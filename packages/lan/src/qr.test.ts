import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { printLanBanner } from './banner.ts';
import { qrForTerminal } from './qr.ts';

// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

/**
 * Reads the dark modules back out of the terminal drawing: each character cell holds two
 * vertically stacked modules (upper half block = top dark, lower half block = bottom dark).
 * The drawing has a one-module light border, so cell (column c, line l) covers modules
 * x = c - 1 and y = 2l - 1, 2l.
 */
function decodeTerminalQr(text: string, size: number): boolean[] {
  const lines = stripAnsi(text).split('\n');
  const modules: boolean[] = [];
  for (let y = 0; y < size; y++) {
    const line = lines[Math.floor((y + 1) / 2)] ?? '';
    const isTop = (y + 1) % 2 === 0;
    const cells = [...line];
    for (let x = 0; x < size; x++) {
      const cell = cells[x + 1] ?? ' ';
      modules.push(cell === '█' || (isTop ? cell === '▀' : cell === '▄'));
    }
  }
  return modules;
}

describe('qrForTerminal', () => {
  const url = 'https://192.168.1.23:5173/r/friday-standup';

  it('draws the QR code of the URL, module for module', async () => {
    const text = await qrForTerminal(url);
    const expected = QRCode.create(url, {});
    const size = expected.modules.size;
    const lines = stripAnsi(text)
      .split('\n')
      .filter((line) => line.length > 0);
    // A light border of one module on each side; two modules per line.
    expect(lines).toHaveLength(Math.ceil((size + 2) / 2));
    for (const line of lines) expect([...line]).toHaveLength(size + 2);
    expect(decodeTerminalQr(text, size)).toEqual([...expected.modules.data].map(Boolean));
  });

  it('fits a typical LAN room URL in an 80x24 terminal', async () => {
    const lines = stripAnsi(await qrForTerminal(url))
      .split('\n')
      .filter((line) => line.length > 0);
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(80);
  });

  it('draws different codes for different URLs', async () => {
    expect(await qrForTerminal('https://192.168.1.23:5173/')).not.toEqual(
      await qrForTerminal('https://192.168.1.24:5173/'),
    );
  });
});

describe('printLanBanner', () => {
  it('prints every URL and a QR code of the first one a phone can open', async () => {
    let written = '';
    const urls = ['https://localhost:5173/', 'https://192.168.1.23:5173/', 'https://10.8.0.6:5173/'];
    const text = await printLanBanner(urls, { write: (chunk) => (written += chunk), title: 'the call app' });
    expect(written).toBe(text);
    expect(text).toContain('Open the call app at:');
    for (const url of urls) expect(text).toContain(`  ${url}\n`);
    expect(text).toContain(await qrForTerminal('https://192.168.1.23:5173/'));
    expect(text).not.toContain(await qrForTerminal('https://localhost:5173/'));
    expect(text).toMatch(/self-signed/);
  });

  it('leaves out the certificate note for a certificate from files', async () => {
    const text = await printLanBanner(['https://192.168.1.23:3000/'], {
      write: () => {},
      isSelfSigned: false,
    });
    expect(text).not.toMatch(/self-signed/);
  });

  it('says so when no other device can reach the machine', async () => {
    const text = await printLanBanner(['https://localhost:5173/'], { write: () => {} });
    expect(text).toMatch(/no network address/i);
    expect(text).not.toContain('█');
  });
});
