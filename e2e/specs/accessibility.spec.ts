import { writeFile } from 'node:fs/promises';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { VIEWPORTS, expectNoSeriousA11yProblems } from '../support/a11y.ts';
import { chatLog, expectRemoteColour, named, remoteTile, uniqueRoom } from '../support/call.ts';

/**
 * Two people in one call, each checked on every screen: Alice in English on a laptop, Bob in
 * Korean on a phone. A diagonal of the language x window-size matrix rather than all four
 * corners: axe's rules that depend on the language (lang attributes, names, contrast of the
 * text) and those that depend on the layout (overflow, target size, hidden controls) are each
 * met in both of their values, and one call instead of two halves the time (each axe run takes
 * seconds while two browsers encode video on a small machine).
 */
const PEOPLE = [
  {
    who: 'Alice',
    colour: 'red',
    locale: 'en-US',
    viewport: VIEWPORTS[0],
    names: {
      yourName: 'Your name',
      camera: 'Camera',
      join: 'Join',
      hangUp: 'Hang up',
      message: 'Message',
      send: 'Send',
      sendFile: 'Send file',
      stats: 'Stats',
      settings: 'Settings',
      shortcuts: 'Keyboard shortcuts',
    },
  },
  {
    who: 'Bob',
    colour: 'blue',
    locale: 'ko-KR',
    viewport: VIEWPORTS[1],
    names: {
      yourName: '이름',
      camera: '카메라',
      join: '참여하기',
      hangUp: '나가기',
      message: '메시지',
      send: '보내기',
      sendFile: '파일 보내기',
      stats: '통계',
      settings: '설정',
      shortcuts: '키보드 단축키',
    },
  },
] as const;

type Person = (typeof PEOPLE)[number];

function label(person: Person, where: string): string {
  return `${where} (${person.locale}, ${person.viewport.width}x${person.viewport.height})`;
}

async function offerFile(page: Page, person: Person, testInfo: TestInfo): Promise<void> {
  const file = testInfo.outputPath(`${person.who}-notes.txt`);
  await writeFile(file, 'minutes of the meeting\n');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: named(person.names.sendFile) }).click();
  await (await chooser).setFiles(file);
}

test('axe finds no serious problem on the landing page, pre-join, and a call with chat, a photo, a file offer, stats, settings, connection quality and keyboard shortcuts, in English on a laptop and Korean on a phone', async ({
  launchPerson,
}, testInfo) => {
  test.setTimeout(120_000);
  const people = await Promise.all(
    PEOPLE.map((person) => launchPerson(person.colour, { locale: person.locale, viewport: person.viewport })),
  );
  const [alice, bob] = people as [(typeof people)[number], (typeof people)[number]];
  const room = uniqueRoom('a11y');

  for (const [index, person] of PEOPLE.entries()) {
    const page = people[index]!.page;
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNoSeriousA11yProblems(page, label(person, 'landing'), testInfo);
    await page.goto(`/r/${room}`);
    await expect(page.getByRole('combobox').first()).toBeVisible();
    await expectNoSeriousA11yProblems(page, label(person, 'pre-join'), testInfo);
    await page.getByRole('textbox', { name: named(person.names.yourName) }).fill(person.who);
    await page.getByRole('button', { name: named(person.names.join) }).click();
    await expect(page.getByRole('button', { name: named(person.names.hangUp) })).toBeVisible();
  }
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);

  // A chat line, a photo everyone sees, and a file each offers the other (Accept / Decline).
  await bob.page.getByRole('textbox', { name: named(PEOPLE[1].names.message) }).fill('Hello Alice');
  await bob.page.getByRole('button', { name: named(PEOPLE[1].names.send) }).click();
  await expect(chatLog(alice.page)).toContainText('Hello Alice');
  await alice.page.getByRole('button', { name: named('Take photo') }).click();
  await expect(chatLog(bob.page).locator('img')).toBeVisible({ timeout: 15_000 });
  await offerFile(bob.page, PEOPLE[1], testInfo);
  await offerFile(alice.page, PEOPLE[0], testInfo);

  // Cameras off before the call's axe runs: two browsers encoding video made each run take
  // tens of seconds on a busy two-core machine, and the "Camera off" badges get checked too.
  for (const [index, person] of PEOPLE.entries()) {
    await people[index]!.page.getByRole('button', { name: named(person.names.camera) }).click();
  }
  for (const [index, person] of PEOPLE.entries()) {
    const page = people[index]!.page;
    await expect(page.locator('[data-transfer="incoming"][data-status="offered"]')).toBeVisible({
      timeout: 15_000,
    });
    const stats = page.getByRole('button', { name: named(person.names.stats) });
    await stats.click();
    await expect(stats).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('[data-stats-peer]')).toBeVisible();
    const settings = page.getByRole('button', { name: named(person.names.settings) });
    await settings.click();
    await expect(settings).toHaveAttribute('aria-expanded', 'true');
    await expect(page.locator('[data-peer-id] [data-quality]')).toBeVisible({ timeout: 10_000 });
    await expectNoSeriousA11yProblems(
      page,
      label(person, 'call with chat, a photo, a file offer, stats, settings and connection quality'),
      testInfo,
    );
    // The keyboard shortcuts (?), a modal dialog over the page just checked: only it is checked.
    await page.getByRole('button', { name: named(person.names.shortcuts) }).click();
    await expect(page.getByRole('dialog', { name: named(person.names.shortcuts) })).toBeVisible();
    await expectNoSeriousA11yProblems(page, label(person, 'keyboard shortcuts'), testInfo, 'dialog');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  }
});
