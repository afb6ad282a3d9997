import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { expectRemoteColour, joinRoom, named, remoteTile, uniqueRoom } from '../support/call.ts';
import { chromiumArgs, playwrightDisableFeaturesArg } from '../support/chromium-args.ts';
import { httpsGet, LanServer } from '../support/lan-server.ts';
import { COLOURS } from '../support/media.ts';
import { CHROMIUM_PATH, REPO_ROOT } from '../support/paths.ts';

/** A name that looks like any host on the network; this browser alone resolves it to loopback. */
const LAN_HOST = 'call.lan.test';

let server: LanServer;

test.beforeAll(async () => {
  server = await LanServer.start();
});
test.afterAll(async () => {
  await server?.stop();
});

test('the LAN-mode server speaks HTTPS with the generated certificate and prints its address', async () => {
  const pem = await readFile(join(REPO_ROOT, '.certs', 'lan.pem'), 'utf8');
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  expect(cert, 'the generated certificate is stored in .certs/lan.pem').toBeTruthy();
  // Verified against exactly that certificate: it covers 127.0.0.1.
  const health = await httpsGet(`${server.origin}/healthz`, { ca: cert! });
  expect(health).toEqual({ status: 200, body: expect.stringContaining('"ok"') });
  expect(server.process.output()).toContain(`https://127.0.0.1:${server.port}/`);
});

test('a browser reaching the server by a network name over https gets its camera and calls a second browser', async ({
  browserPool,
}) => {
  const room = uniqueRoom('lan');
  const lanOrigin = `https://${LAN_HOST}:${server.port}`;
  const pageErrors: string[] = [];

  // One browser process of its own, resolving the network name to the loopback server.
  const args = chromiumArgs({ colour: 'yellow', grantMedia: true }).filter(
    (arg) => !arg.startsWith('--host-resolver-rules='),
  );
  const lanBrowser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...args, `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE localhost`],
    ignoreDefaultArgs: [playwrightDisableFeaturesArg()],
  });
  const otherBrowser = await browserPool.acquire('cyan', true);
  let otherContext: BrowserContext | undefined;
  try {
    const lanContext = await lanBrowser.newContext({
      baseURL: lanOrigin,
      ignoreHTTPSErrors: true,
      viewport: { width: 1024, height: 720 },
      permissions: ['camera', 'microphone'],
    });
    otherContext = await otherBrowser.newContext({
      baseURL: server.origin,
      ignoreHTTPSErrors: true,
      viewport: { width: 1024, height: 720 },
      permissions: ['camera', 'microphone'],
    });
    const lanPage = await lanContext.newPage();
    const otherPage = await otherContext.newPage();
    for (const page of [lanPage, otherPage]) watchErrors(page, pageErrors);

    await joinRoom(lanPage, room, 'Phone');
    expect(new URL(lanPage.url()).origin).toBe(lanOrigin);
    expect(await lanPage.evaluate(() => window.isSecureContext), 'https makes a secure context').toBe(true);
    // The camera really started (on an insecure origin getUserMedia does not even exist).
    await expect(lanPage.getByRole('button', { name: named('Camera') })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(lanPage.getByRole('alert').filter({ hasText: /camera/i })).toHaveCount(0);

    await joinRoom(otherPage, room, 'Laptop');
    await expectRemoteColour(otherPage, remoteTile(otherPage, 'Phone'), COLOURS.yellow);
    await expectRemoteColour(lanPage, remoteTile(lanPage, 'Laptop'), COLOURS.cyan);
    expect(pageErrors).toEqual([]);
  } finally {
    await lanBrowser.close();
    await otherContext?.close();
    browserPool.release(otherBrowser);
  }
});

/**
 * Chromium installs no service worker for a page whose certificate it does not trust (the
 * generated LAN one), and says so in the console itself; the app works as before, it only
 * cannot open offline.
 */
const UNTRUSTED_WORKER_SCRIPT = /^An SSL certificate error occurred when fetching the script\.$/;

function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' || UNTRUSTED_WORKER_SCRIPT.test(message.text())) return;
    errors.push(`console error: ${message.text()}`);
  });
}
