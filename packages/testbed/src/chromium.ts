import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_PATH, NETNS_CHROMIUM } from './paths.ts';

/**
 * Headless Chromium inside a network namespace, for tests that need a real WebRTC peer
 * (a media server's answer, ICE, DTLS, data channels) without the web app.
 */
export async function launchChromiumIn(ns: string): Promise<Browser> {
  return chromium.launch({
    executablePath: NETNS_CHROMIUM,
    headless: true,
    env: { ...process.env, NETNS: ns, NETNS_CHROMIUM: CHROMIUM_PATH },
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      // Nothing outside this machine is ever contacted, not even by the browser itself.
      '--host-resolver-rules=MAP * ~NOTFOUND',
      // Real host candidates instead of mDNS names, which nothing in a test namespace
      // resolves. Chromium keeps only the last --disable-features, so this one replaces
      // Playwright's list, none of which matters to a blank page driving RTCPeerConnection.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
}
