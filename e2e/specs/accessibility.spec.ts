import { writeFile } from 'node:fs/promises';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { VIEWPORTS, expectNoSeriousA11yProblems } from '../support/a11y.ts';
import { chatLog, expectRemoteColour, joinRoom, named, remoteTile, uniqueRoom } from '../support/call.ts';

/** The accessible names this test presses, in each language. */
const LANGUAGES = [
  {
    locale: 'en-US',
    label: 'English',
    names: { stats: 'Stats', settings: 'Settings', takePhoto: 'Take photo', hangUp: 'Hang up' },
  },
  {
    locale: 'ko-KR',
    label: 'Korean',
    names: { stats: '통계', settings: '설정', takePhoto: '사진 찍기', hangUp: '나가기' },
  },
] as const;

/** axe at every window size, on the page as it is now. */
async function checkEverySize(page: Page, where: string, testInfo: TestInfo): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await expectNoSeriousA11yProblems(page, `${where} at ${viewport.width}x${viewport.height}`, testInfo);
  }
  await page.setViewportSize(VIEWPORTS[0]);
}

for (const language of LANGUAGES) {
  test(`axe finds no serious problem in ${language.label}: landing, pre-join, a call with chat, a photo, a file offer, stats and settings`, async ({
    launchPerson,
  }, testInfo) => {
    // Six axe runs, each a few seconds while two browsers encode video on a small machine.
    test.setTimeout(180_000);
    const [alice, bob] = await Promise.all([
      launchPerson('red', { locale: language.locale }),
      launchPerson('blue'),
    ]);
    const page = alice.page;
    const room = uniqueRoom('a11y');

    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await checkEverySize(page, `${language.label} landing`, testInfo);

    await page.goto(`/r/${room}`);
    await expect(page.getByRole('combobox').first()).toBeVisible();
    await checkEverySize(page, `${language.label} pre-join`, testInfo);

    const yourName = language.locale === 'ko-KR' ? '이름' : 'Your name';
    const join = language.locale === 'ko-KR' ? '참여하기' : 'Join';
    await page.getByRole('textbox', { name: named(yourName) }).fill('Alice');
    await page.getByRole('button', { name: named(join) }).click();
    await expect(page.getByRole('button', { name: named(language.names.hangUp) })).toBeVisible();
    await joinRoom(bob.page, room, 'Bob');
    await expectRemoteColour(page, remoteTile(page, 'Bob'), bob.rgb);

    // A chat line each way, a photo, and a file Bob offers Alice (she sees Accept / Decline).
    await bob.page.getByRole('textbox', { name: named('Message') }).fill('Hello Alice');
    await bob.page.getByRole('button', { name: named('Send') }).click();
    await expect(chatLog(page)).toContainText('Hello Alice');
    await page.getByRole('button', { name: named(language.names.takePhoto) }).click();
    await expect(chatLog(page).locator('img')).toBeVisible({ timeout: 15_000 });
    const file = testInfo.outputPath('notes.txt');
    await writeFile(file, 'minutes of the meeting\n');
    const chooser = bob.page.waitForEvent('filechooser');
    await bob.page.getByRole('button', { name: named('Send file') }).click();
    await (await chooser).setFiles(file);
    await expect(page.locator('[data-transfer="incoming"][data-status="offered"]')).toBeVisible({
      timeout: 15_000,
    });
    // One state with everything open (the stats panel and the settings beside the chat, the
    // photo and the file offer): each axe run takes seconds while two browsers encode video.
    const stats = page.getByRole('button', { name: named(language.names.stats) });
    await stats.click();
    await expect(stats).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('[data-stats-peer]')).toBeVisible();
    const settings = page.getByRole('button', { name: named(language.names.settings) });
    await settings.click();
    await expect(settings).toHaveAttribute('aria-expanded', 'true');
    await checkEverySize(
      page,
      `${language.label} call with chat, a photo, a file offer, stats and settings`,
      testInfo,
    );
  });
}
