import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { expectRemoteColour, joinRoom, named, remoteTile, uniqueRoom } from '../support/call.ts';
import { COLOURS } from '../support/media.ts';

/** Smallest comfortable touch target (Apple HIG 44 pt, WCAG 2.5.5). */
const MIN_TARGET_PX = 44;

/** Every control a person uses in a call, by role and accessible name. */
const CALL_CONTROLS: [role: 'button' | 'textbox', name: string][] = [
  ['button', 'Microphone'],
  ['button', 'Camera'],
  ['button', 'Share screen'],
  ['button', 'Take photo'],
  ['button', 'Send file'],
  ['button', 'Hang up'],
  ['button', 'Copy link'],
  ['button', 'QR code'],
  ['button', 'Stats'],
  ['button', 'Clear history'],
  ['textbox', 'Message'],
  ['button', 'Send'],
];

const PHONE_SIZES = [
  { label: 'portrait 360x640', width: 360, height: 640 },
  { label: 'landscape 640x360', width: 640, height: 360 },
];

for (const size of PHONE_SIZES) {
  test(`in a call on a phone (${size.label}) every control is reachable and tappable, with no sideways scroll`, async ({
    browserPool,
    server,
    launchPerson,
  }, testInfo) => {
    const room = uniqueRoom('phone');
    const desk = await launchPerson('blue');
    const browser: Browser = await browserPool.acquire('green', true);
    let context: BrowserContext | undefined;
    let phone: Page | undefined;
    try {
      context = await browser.newContext({
        baseURL: server.origin,
        viewport: { width: size.width, height: size.height },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'en-US',
        permissions: ['camera', 'microphone'],
      });
      phone = await context.newPage();
      await joinRoom(phone, room, 'Phone');
      await expectNoSidewaysScroll(phone, 'before anyone else joined');
      await joinRoom(desk.page, room, 'Desk');
      await expectRemoteColour(phone, remoteTile(phone, 'Desk'), desk.rgb);
      await expectRemoteColour(desk.page, remoteTile(desk.page, 'Phone'), COLOURS.green);

      for (const [role, name] of CALL_CONTROLS) {
        const control = phone.getByRole(role, { name: named(name) });
        await expect(control, `${name} is on the page`).toHaveCount(1);
        await expectReachable(phone, control, name, size);
      }
      // Every other visible button on the call page is a large enough target too.
      for (const button of await phone.getByRole('button').all()) {
        if (!(await button.isVisible())) continue;
        const label = (await button.getAttribute('aria-label')) ?? (await button.innerText()).trim();
        await expectLargeTarget(button, label || 'a button');
      }
      await expectNoSidewaysScroll(phone, 'in a call with one other person');

      // The remote video is on screen and plays inline (no fullscreen takeover on phones).
      const tile = remoteTile(phone, 'Desk');
      await tile.scrollIntoViewIfNeeded();
      await expect(tile.locator('video')).toHaveAttribute('playsinline', '');
      await expect(tile).toBeInViewport({ ratio: 0.5 });
    } finally {
      if (phone && testInfo.status !== testInfo.expectedStatus) {
        const shot = await phone.screenshot({ fullPage: true, timeout: 5000 }).catch(() => undefined);
        if (shot) await testInfo.attach(`phone-${size.label}.png`, { body: shot, contentType: 'image/png' });
      }
      await context?.close();
      browserPool.release(browser);
    }
  });
}

async function expectNoSidewaysScroll(page: Page, when: string): Promise<void> {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(
    widths.scroll,
    `page width ${widths.scroll}px fits the ${widths.inner}px screen ${when}`,
  ).toBeLessThanOrEqual(widths.inner);
}

/** Scrolled to if needed, then wholly inside the screen, and a tap on it reaches it. */
async function expectReachable(
  page: Page,
  control: Locator,
  name: string,
  size: { width: number; height: number },
): Promise<void> {
  await control.scrollIntoViewIfNeeded();
  await expect(control, `${name} is visible`).toBeVisible();
  await expect(control, `${name} is enabled`).toBeEnabled();
  const box = await control.boundingBox();
  expect(box, `${name} has a box`).not.toBeNull();
  expect(box!.x, `${name} starts inside the screen`).toBeGreaterThanOrEqual(0);
  expect(box!.y, `${name} starts inside the screen`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${name} ends inside the screen`).toBeLessThanOrEqual(size.width + 0.5);
  expect(box!.y + box!.height, `${name} ends inside the screen`).toBeLessThanOrEqual(size.height + 0.5);
  // `trial`: all of Playwright's tap checks (visible, stable, not covered by another element) without tapping.
  await control.tap({ trial: true });
  // Nothing (a sticky bar, a toast) sits on top of the control's centre.
  const isOnTop = await control.evaluate((element) => {
    const rect = element.getBoundingClientRect();
    const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
    return hit !== null && (hit === element || element.contains(hit) || hit.contains(element));
  });
  expect(isOnTop, `${name} is not covered by anything`).toBe(true);
  await expectLargeTarget(control, name);
}

async function expectLargeTarget(control: Locator, name: string): Promise<void> {
  const box = await control.boundingBox();
  if (!box) return;
  expect(
    Math.min(box.width, box.height),
    `${name} is at least ${MIN_TARGET_PX}px in both directions (${Math.round(box.width)}x${Math.round(box.height)})`,
  ).toBeGreaterThanOrEqual(MIN_TARGET_PX - 0.5);
}
