import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { BASE_SERVER_ENV, test, expect } from '../fixtures.ts';
import { joinRoom, named, uniqueRoom } from '../support/call.ts';
import { WEB_DIST } from '../support/paths.ts';
import { SignalServer } from '../support/server.ts';

interface ManifestIcon {
  src: string;
  sizes?: string;
  type?: string;
  purpose?: string;
}

/** Waits until the service worker is active, then reloads: from then on it answers the page. */
async function reloadUnderServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null))
    .toMatch(/\/sw\.js$/);
}

/** Every URL path in every Cache Storage cache of the page's origin (query strings dropped). */
function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
}

/** Loads an image the way the browser does for an icon, and says what it decoded to. */
function decodeImage(page: Page, src: string) {
  return page.evaluate(async (src) => {
    const response = await fetch(src, { cache: 'no-store' });
    const blob = await response.blob();
    const image = new Image();
    image.src = URL.createObjectURL(blob);
    await image.decode();
    URL.revokeObjectURL(image.src);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      width: image.naturalWidth,
      height: image.naturalHeight,
    };
  }, src);
}

function networkNotice(page: Page) {
  return page.getByRole('status').filter({ hasText: /offline.*a call needs the network/i });
}

test('the page links a valid web app manifest whose icons decode at the sizes they claim', async ({
  launchPerson,
}) => {
  const { page } = await launchPerson('red');
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href, 'index.html links a manifest').toBeTruthy();
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^application\/manifest\+json/);
  const manifest = (await response.json()) as Record<string, unknown> & { icons: ManifestIcon[] };

  expect(manifest).toMatchObject({
    name: 'Callroom',
    short_name: expect.stringMatching(/^.{1,12}$/),
    description: expect.stringMatching(/video call/i),
    start_url: '/',
    scope: '/',
    display: 'standalone',
  });
  // The installed app's title bar and splash screen are the page's own background.
  const pageBackground = await page.evaluate(() =>
    getComputedStyle(document.documentElement).getPropertyValue('--bg').trim(),
  );
  expect(pageBackground).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.theme_color).toBe(pageBackground);
  expect(manifest.background_color).toBe(pageBackground);
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', pageBackground);

  for (const icon of manifest.icons) {
    const [width, height] = (icon.sizes ?? '').split('x').map(Number);
    const decoded = await decodeImage(page, icon.src);
    expect(decoded, icon.src).toEqual({ status: 200, type: icon.type, width, height });
  }
  const sizesOf = (purpose: string) =>
    manifest.icons
      .filter((icon) => (icon.purpose ?? 'any').split(' ').includes(purpose))
      .map((icon) => icon.sizes);
  expect(sizesOf('any')).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(sizesOf('maskable')).toContain('512x512');

  const appleIcon = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
  expect(await decodeImage(page, appleIcon!)).toEqual({
    status: 200,
    type: 'image/png',
    width: 180,
    height: 180,
  });
  const svgIcon = await page.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute('href');
  expect((await decodeImage(page, svgIcon!)).type).toMatch(/^image\/svg\+xml/);
});

test('the service worker controls the page after a reload, keeps the whole app shell, and never the socket, health or metrics', async ({
  launchPerson,
}) => {
  const { page } = await launchPerson('green');
  await page.goto('/');
  await reloadUnderServiceWorker(page);

  const worker = await page.request.get('/sw.js');
  expect(worker.headers()['content-type']).toMatch(/javascript/);
  expect(worker.headers()['cache-control']).toBe('no-cache');
  const assets = readdirSync(join(WEB_DIST, 'assets')).filter((name) => /\.(js|css)$/.test(name));
  const chunk = assets.find((name) => name.endsWith('.js'))!;
  expect((await page.request.get(`/assets/${chunk}`)).headers()['cache-control']).toContain('immutable');

  // Give a careless cache every chance to keep them: the room page opens the signaling socket.
  await page.goto(`/r/${uniqueRoom('cache')}`);
  await expect(page.getByRole('textbox', { name: named('Your name') })).toBeVisible();
  await page.evaluate(async () => {
    for (const path of ['/healthz', '/metrics']) await (await fetch(path)).text();
  });
  await page.goto('/');

  const cached = await cachedPaths(page);
  // The page, every JS and CSS chunk (the in-call screen's too), the manifest and the icons.
  expect(cached).toEqual(
    expect.arrayContaining([
      '/index.html',
      '/manifest.webmanifest',
      '/pwa-192x192.png',
      '/pwa-512x512.png',
      '/maskable-icon-512x512.png',
      '/icon.svg',
      ...assets.map((name) => `/assets/${name}`),
    ]),
  );
  expect(assets.some((name) => /^InCall-.*\.js$/.test(name))).toBe(true);
  expect(cached.filter((path) => /^\/(ws|healthz|metrics)(\/|$)/.test(path))).toEqual([]);
});

test('entered from the start page or opened from a room link, the offline copy installs once the call is up, not while it is set up', async ({
  launchPerson,
}) => {
  const room = uniqueRoom('install-later');
  const people = [await launchPerson('green'), await launchPerson('blue')];
  for (const { context } of people) {
    // Notes when the page asks for its service worker, on the clock of the call's own marks.
    await context.addInitScript(() => {
      const register = ServiceWorkerContainer.prototype.register;
      ServiceWorkerContainer.prototype.register = function (...args) {
        performance.mark('test:service-worker-register');
        return register.apply(this, args);
      };
    });
  }
  // Ada goes from the start page into the room at once; Bob opens the room's link.
  await joinRoom(people[0]!.page, room, 'Ada', { via: 'landing' });
  await joinRoom(people[1]!.page, room, 'Bob');
  for (const [i, { page }] of people.entries()) {
    await expect
      .poll(() => page.evaluate(() => performance.getEntriesByName('test:service-worker-register').length), {
        message: `person ${i + 1} registers the service worker`,
        timeout: 20_000,
      })
      .toBe(1);
    await expect
      .poll(
        () => page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.active)),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    const marks = await page.evaluate(() =>
      performance.getEntriesByType('mark').map(({ name, startTime }) => ({ name, startTime })),
    );
    const registered = marks.find(({ name }) => name === 'test:service-worker-register');
    const firstFrame = marks.find(({ name }) => name.startsWith('call:first-remote-frame:'));
    expect(firstFrame, `person ${i + 1} had seen the other's video when it registered`).toBeDefined();
    expect(registered!.startTime, `person ${i + 1}: after the first remote frame`).toBeGreaterThanOrEqual(
      firstFrame!.startTime,
    );
  }
});

test('offline, the start page and a room link open from the cache and say a call needs the network', async ({
  launchPerson,
}) => {
  const person = await launchPerson('blue', {
    // The room page keeps trying its signaling socket while offline (and says so).
    allowConsole: [/WebSocket connection to .* failed/],
  });
  const { page, context } = person;
  await page.goto('/');
  await reloadUnderServiceWorker(page);
  await expect(networkNotice(page)).toHaveCount(0);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: /face to face/i })).toBeVisible();
  await expect(networkNotice(page)).toBeVisible();
  // The buttons explain instead of leading to a call that cannot start.
  await page.getByRole('button', { name: named('Create room') }).click();
  await expect(page.getByRole('alert')).toContainText(/a call needs the network/i);
  await expect(page).toHaveURL(/\/$/);

  await page.goto(`/r/${uniqueRoom('offline')}`);
  await expect(page.getByRole('textbox', { name: named('Your name') })).toBeVisible();
  await expect(networkNotice(page)).toBeVisible();

  await context.setOffline(false);
  await expect(networkNotice(page)).toHaveCount(0);
});

test('a new version is offered with a Reload button, which only the person who presses it gets', async ({
  launchPerson,
}) => {
  // A server of its own, on a copy of the built app, so that the test can publish a new version.
  const webRoot = mkdtempSync(join(tmpdir(), 'callroom-web-'));
  cpSync(WEB_DIST, webRoot, { recursive: true });
  const server = await SignalServer.start({ ...BASE_SERVER_ENV, WEB_ROOT: webRoot });
  try {
    const person = await launchPerson('yellow');
    const landing = person.page;
    await landing.goto(`${server.origin}/`);
    await reloadUnderServiceWorker(landing);
    // Another tab of the same person is on a room page (it could be in a call).
    const room = await person.context.newPage();
    await room.goto(`${server.origin}/r/${uniqueRoom('update')}`);
    await expect(room.getByRole('textbox', { name: named('Your name') })).toBeVisible();
    const roomLoads: string[] = [];
    room.on('load', () => roomLoads.push(room.url()));

    appendFileSync(join(webRoot, 'sw.js'), '\n// the next version\n');
    await landing.reload();
    const prompt = landing.getByRole('status').filter({ hasText: /new version/i });
    await expect(prompt).toBeVisible();
    await expect(room.getByText(/new version/i)).toHaveCount(0);

    // Keyboard first: the prompt is the first thing Tab reaches, with a visible focus ring.
    await landing.keyboard.press('Tab');
    const reload = prompt.getByRole('button', { name: named('Reload') });
    await expect(reload).toBeFocused();
    expect(await reload.evaluate((button) => getComputedStyle(button).outlineStyle)).not.toBe('none');
    const reloaded = landing.waitForEvent('load');
    await landing.keyboard.press('Enter');
    await reloaded;
    await expect(landing.getByRole('button', { name: named('Create room') })).toBeVisible();
    await expect(prompt).toHaveCount(0);
    expect(await landing.evaluate(async () => (await navigator.serviceWorker.ready).waiting === null)).toBe(
      true,
    );

    // The room tab now runs under the new worker, but was never reloaded under the person.
    await expect
      .poll(() =>
        room.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting === null),
      )
      .toBe(true);
    expect(roomLoads).toEqual([]);
    await expect(room.getByRole('textbox', { name: named('Your name') })).toBeVisible();
    await room.close();
  } finally {
    await server.stop();
    rmSync(webRoot, { recursive: true, force: true });
  }
});
