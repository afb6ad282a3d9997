import { test, expect } from '../fixtures.ts';
import { expectFocusVisible, expectFocused, tabTo } from '../support/a11y.ts';
import { chatLog, named } from '../support/call.ts';
import { readQrCode } from '../support/qr.ts';

test('a call by keyboard alone: create a room, join, mute, chat, stats, the QR code, settings, whom to send a file to, hang up', async ({
  launchPerson,
  connectProtocolPeer,
}) => {
  const person = await launchPerson('green');
  const page = person.page;
  const button = (name: string) => page.getByRole('button', { name: named(name) });

  await page.goto('/');
  await tabTo(page, button('Create room'));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/r\/[A-Za-z0-9_-]+$/);
  const room = decodeURIComponent(new URL(page.url()).pathname.slice('/r/'.length));

  await tabTo(page, page.getByRole('textbox', { name: named('Your name') }));
  await page.keyboard.type('Kim');
  await tabTo(page, button('Join'));
  await page.keyboard.press('Enter');
  await expect(button('Hang up')).toBeVisible();

  // Two more people (protocol-only) so that Send file first asks whom to send to.
  for (const name of ['Carol', 'Dave']) {
    const peer = await connectProtocolPeer();
    expect((await peer.join(room, name)).type).toBe('joined');
  }
  await expect(page.locator('[data-peer-id]')).toHaveCount(2);

  const microphone = button('Microphone');
  await tabTo(page, microphone);
  await page.keyboard.press('Space');
  await expect(microphone).toHaveAttribute('aria-pressed', 'false');
  await expectFocusVisible(page, 'muting');

  await tabTo(page, page.getByRole('textbox', { name: named('Message') }), true);
  await page.keyboard.type('typed without a mouse');
  await page.keyboard.press('Enter');
  await expect(chatLog(page)).toContainText('typed without a mouse');

  // Panels and popovers: Escape closes them, and focus is back on the control that opened them.
  const stats = button('Stats');
  await tabTo(page, stats, true);
  await page.keyboard.press('Enter');
  await expect(stats).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[data-stats-peer]')).toHaveCount(2);
  await page.keyboard.press('Escape');
  await expect(page.locator('[data-stats-peer]')).toHaveCount(0);
  await expectFocused(stats, 'Escape closes the stats and focus stays on Stats');
  await expectFocusVisible(page, 'closing the stats');

  const qr = button('QR code');
  await tabTo(page, qr, true);
  await page.keyboard.press('Enter');
  await expect(qr).toHaveAttribute('aria-expanded', 'true');
  expect(
    await readQrCode(page.locator('#room-qr img')),
    'the QR code, as the browser draws it, reads back as the room link',
  ).toBe(await page.locator('#room-qr .url').textContent());
  await page.keyboard.press('Escape');
  await expect(qr).toHaveAttribute('aria-expanded', 'false');
  await expectFocused(qr, 'Escape closes the QR code and focus is back on its button');
  await expectFocusVisible(page, 'closing the QR code');

  const settings = button('Settings');
  await tabTo(page, settings);
  await page.keyboard.press('Enter');
  await expect(settings).toHaveAttribute('aria-expanded', 'true');
  await expectFocused(
    page.getByRole('combobox', { name: named('Language') }),
    'opening the settings moves focus to the first of them',
  );
  await expectFocusVisible(page, 'opening the settings');
  await page.keyboard.press('Escape');
  await expect(settings).toHaveAttribute('aria-expanded', 'false');
  await expectFocused(settings, 'Escape closes the settings and focus is back on Settings');
  await expectFocusVisible(page, 'closing the settings');

  const sendFile = button('Send file');
  await tabTo(page, sendFile, true);
  await page.keyboard.press('Enter');
  const chooser = page.getByRole('dialog');
  await expect(chooser).toBeVisible();
  await expectFocused(button('Carol'), 'the chooser puts focus on the first person');
  await expectFocusVisible(page, 'opening the chooser');
  await page.keyboard.press('Escape');
  await expect(chooser).toHaveCount(0);
  await expectFocused(sendFile, 'Escape closes the chooser and focus is back on Send file');
  await expectFocusVisible(page, 'closing the chooser');

  await tabTo(page, button('Hang up'));
  await page.keyboard.press('Enter');
  await expect(page.getByText('You left the call. Camera and microphone are off.')).toBeVisible();
  await tabTo(page, button('Create room'));
});
