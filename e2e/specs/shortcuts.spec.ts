import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { expectFocusVisible, expectFocused } from '../support/a11y.ts';
import { joinRoom, named, remoteTile, uniqueRoom } from '../support/call.ts';

/** Records the page's peer connections, so the test can read what Bob receives. */
async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const connections: RTCPeerConnection[] = [];
    (window as unknown as { __connections: RTCPeerConnection[] }).__connections = connections;
    window.RTCPeerConnection = new Proxy(window.RTCPeerConnection, {
      construct(target, args: [RTCConfiguration?], newTarget) {
        const connection = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
        connections.push(connection);
        return connection;
      },
    });
  });
}

/** The energy of all audio the page has played out from others so far (getStats, inbound-rtp). */
async function receivedAudioEnergy(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const { __connections: connections } = window as unknown as { __connections: RTCPeerConnection[] };
    let energy = 0;
    for (const connection of connections) {
      if (connection.connectionState === 'closed') continue;
      (await connection.getStats()).forEach(
        (report: { type: string; kind?: string; totalAudioEnergy?: number }) => {
          if (report.type === 'inbound-rtp' && report.kind === 'audio')
            energy += report.totalAudioEnergy ?? 0;
        },
      );
    }
    return energy;
  });
}

/** How loud what the page receives is now: audio energy per second over a short window. */
async function loudness(page: Page, windowMs = 1200): Promise<number> {
  const before = await receivedAudioEnergy(page);
  await page.waitForTimeout(windowMs);
  const perSecond = ((await receivedAudioEnergy(page)) - before) / (windowMs / 1000);
  test.info().annotations.push({ type: 'loudness', description: perSecond.toExponential(2) });
  return perSecond;
}

// Chromium's fake microphone beeps; with Alice muted nothing at all reaches Bob.
const HEARD = 1e-4;
const SILENT = 1e-5;

test('holding Space talks while muted, ? lists the shortcuts, and each tile shows its connection quality', async ({
  launchPerson,
}, testInfo) => {
  test.setTimeout(60_000);
  const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('blue')]);
  await recordPeerConnections(bob.page);
  const room = uniqueRoom('shortcuts');
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  const aliceOnBob = remoteTile(bob.page, 'Alice');
  await expect(aliceOnBob).toBeVisible();
  await expect
    .poll(() => loudness(bob.page), { message: 'Bob hears Alice', timeout: 15_000 })
    .toBeGreaterThan(HEARD);

  const microphone = alice.page.getByRole('button', { name: named('Microphone') });
  await microphone.click();
  await expect(microphone).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => loudness(bob.page), { message: 'muted: Bob hears nothing' }).toBeLessThan(SILENT);

  // Space on the Microphone button would press it: focus goes to the page first.
  await alice.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await alice.page.keyboard.down('Space');
  await expect(microphone).toHaveAttribute('aria-pressed', 'true');
  await expect(alice.page.getByRole('status').filter({ hasText: 'Release Space' })).toBeVisible();
  await expect
    .poll(() => loudness(bob.page), { message: 'Space held: Bob hears Alice' })
    .toBeGreaterThan(HEARD);
  await alice.page.keyboard.up('Space');
  await expect(microphone).toHaveAttribute('aria-pressed', 'false');
  await expect
    .poll(() => loudness(bob.page), { message: 'Space released: silent again' })
    .toBeLessThan(SILENT);

  // ? opens the list of shortcuts as a modal dialog; Escape closes it, focus goes back.
  await microphone.focus();
  await alice.page.keyboard.press('?');
  const dialog = alice.page.getByRole('dialog', { name: named('Keyboard shortcuts') });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-shortcut]')).toHaveCount(7);
  await expect(dialog.getByRole('button', { name: named('Close') })).toBeFocused();
  await expectFocusVisible(alice.page, 'opening the shortcuts');
  await alice.page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expectFocused(microphone, 'Escape closes the shortcuts and focus is back on Microphone');
  // M is the microphone's own shortcut.
  await alice.page.keyboard.press('m');
  await expect(microphone).toHaveAttribute('aria-pressed', 'true');

  // Bob's tile for Alice: a named indicator, whose figures show on keyboard focus.
  const quality = aliceOnBob.getByRole('img', { name: /^Connection quality: (good|fair|poor)$/ });
  await expect(quality).toBeVisible({ timeout: 10_000 });
  await quality.focus();
  const figures = aliceOnBob.getByRole('tooltip');
  await expect(figures).toBeVisible();
  await expect(figures).toContainText(/Round trip: \d+/);
  testInfo.annotations.push({
    type: 'quality',
    description: `${await quality.getAttribute('aria-label')}; ${await figures.innerText()}`,
  });
});
