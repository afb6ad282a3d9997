import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { latinWordsLeft } from '../support/a11y.ts';
import { chatLog, expectRemoteColour, joinRoom, named, remoteTile } from '../support/call.ts';

/**
 * Latin a Korean page may still show: the product's name, the Language select's own "English",
 * the QR code, the Enter key's label, an example room id, and video resolutions.
 */
// Key names stay as printed on the keyboard (Enter, and the Ctrl+Alt+H of Raise hand).
const KOREAN_PAGE_ALLOWS = [
  'Callroom',
  'English',
  'QR',
  'Enter',
  'Ctrl',
  'Alt',
  'H',
  'team-standup',
  '360p',
  '720p',
  '1080p',
];

/** The labels of the camera and microphone (they are the devices' own names). */
async function deviceLabels(page: Page): Promise<string[]> {
  return page.evaluate(async () =>
    (await navigator.mediaDevices.enumerateDevices()).map((device) => device.label),
  );
}

async function expectNoEnglish(page: Page, where: string, allowed: string[]): Promise<void> {
  const labels = await deviceLabels(page);
  const left = await latinWordsLeft(page, [...KOREAN_PAGE_ALLOWS, ...labels, ...allowed]);
  expect(left, `no English left on the ${where}`).toEqual([]);
}

async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('a browser in Korean gets the whole app in Korean; English is one switch away and stays after a reload', async ({
  launchPerson,
}, testInfo) => {
  const minji = await launchPerson('red', { locale: 'ko-KR' });
  const bob = await launchPerson('blue');
  const page = minji.page;

  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  expect(await page.evaluate(() => navigator.languages[0])).toBe('ko-KR');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('링크 하나로, 바로 얼굴 보고 이야기해요');
  await expect(page.getByRole('combobox', { name: named('언어') })).toHaveValue('ko');
  await expect(page).toHaveTitle(/링크로 하는 영상 통화/);
  await expectNoEnglish(page, 'landing page', []);
  await saveScreenshot(page, testInfo, 'landing-ko-1024x720');

  await page.getByRole('button', { name: named('방 만들기') }).click();
  await expect(page).toHaveURL(/\/r\/[A-Za-z0-9_-]+$/);
  const room = decodeURIComponent(new URL(page.url()).pathname.slice('/r/'.length));
  await expect(page.getByRole('heading', { name: '참여할 준비가 됐나요?' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: named('영상 효과') })).toBeVisible();
  await expect(page.getByRole('combobox', { name: named('카메라') })).toBeEnabled();
  await expectNoEnglish(page, 'pre-join page', [room]);
  await saveScreenshot(page, testInfo, 'prejoin-ko-1024x720');

  await page.getByRole('textbox', { name: named('이름') }).fill('민지');
  await page.getByRole('button', { name: named('참여하기') }).click();
  await expect(page.getByRole('button', { name: named('나가기') })).toBeVisible();
  await joinRoom(bob.page, room, 'Bob');
  await expectRemoteColour(page, remoteTile(page, 'Bob'), bob.rgb);
  await bob.page.getByRole('button', { name: named('Microphone') }).click();
  await expect(remoteTile(page, 'Bob')).toContainText('마이크 꺼짐');
  await page.getByRole('textbox', { name: named('메시지') }).fill('안녕하세요');
  await page.getByRole('button', { name: named('보내기') }).click();
  await expect(chatLog(bob.page)).toContainText('안녕하세요');
  await page.getByRole('button', { name: named('사진 찍기') }).click();
  await expect(chatLog(page).getByRole('img', { name: '내가 찍은 사진' })).toBeVisible();
  await expect(chatLog(bob.page).getByRole('img', { name: 'Photo from 민지' })).toBeVisible();
  await expect(page.getByText('민지 (나)')).toBeVisible();
  await expectNoEnglish(page, 'call page', [room, 'Bob']);

  for (const { width, height } of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize({ width, height });
    await expect(page.getByRole('button', { name: named('나가기') })).toBeInViewport();
    await saveScreenshot(page, testInfo, `call-ko-${width}x${height}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: named('통계') }).click();
  await expect(page.locator('[data-stats-peer]')).toBeVisible();
  await saveScreenshot(page, testInfo, 'call-ko-stats-1280x800');
  await page.getByRole('button', { name: named('통계') }).click();

  // Settings → Language → English: every word on the page changes at once, the call goes on.
  await page.getByRole('button', { name: named('설정') }).click();
  await saveScreenshot(page, testInfo, 'call-ko-settings-1280x800');
  await page.getByRole('combobox', { name: named('언어') }).selectOption({ label: 'English' });
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: named('Hang up') })).toBeVisible();
  await expect(page.getByRole('combobox', { name: named('Language') })).toHaveValue('en');
  await expect(remoteTile(page, 'Bob')).toContainText('Microphone off');
  await expect(chatLog(page).getByRole('img', { name: 'Your photo' })).toBeVisible();

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('textbox', { name: named('Your name') })).toBeVisible();
  await expect(page.getByRole('button', { name: named('Join') })).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('button', { name: named('Create room') })).toBeVisible();
  await expect(page.getByRole('combobox', { name: named('Language') })).toHaveValue('en');
});
