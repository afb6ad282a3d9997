import { writeFile } from 'node:fs/promises';
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { chatLog, expectRemoteColour, joinRoom, named, remoteTile, uniqueRoom } from '../support/call.ts';
import type { Person } from '../support/person.ts';

/**
 * Collects every violation event of every document the context loads, from the first script
 * on and across navigations (each is handed to the test at once), and every console line that
 * names the policy (Chromium writes one per refusal, also for what no event reaches, such as a
 * service worker's).
 */
async function watchPolicy(context: BrowserContext, page: Page): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeBinding('__reportCspViolation', (_source, line: string) => violations.push(line));
  await context.addInitScript(() => {
    const report = (window as unknown as { __reportCspViolation: (line: string) => void })
      .__reportCspViolation;
    document.addEventListener('securitypolicyviolation', (event) => {
      report(
        `${event.effectiveDirective} refused ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  const onConsole = (text: string): void => {
    if (/content security policy/i.test(text)) violations.push(`console: ${text}`);
  };
  page.on('console', (message) => onConsole(message.text()));
  context.on('serviceworker', (worker) => worker.on('console', (message) => onConsole(message.text())));
  return violations;
}

/**
 * Proves the watch sees a violation, as an event and on the console (so that "none" means
 * none): an image from a foreign origin is refused by img-src. The probe is then forgotten,
 * here and in the person's console problems.
 */
async function probeWatch(person: Person, violations: string[]): Promise<void> {
  const probe = 'https://csp-probe.invalid/pixel.png';
  await person.page.evaluate((src) => {
    const img = document.createElement('img');
    img.src = src;
    document.body.append(img);
  }, probe);
  const isProbe = (line: string): boolean => line.includes('csp-probe.invalid');
  await expect.poll(() => violations.filter(isProbe).length).toBe(2);
  expect(violations.filter((line) => !isProbe(line))).toEqual([]);
  violations.splice(0);
  for (let i = person.problems.length - 1; i >= 0; i--) {
    if (isProbe(person.problems[i]!)) person.problems.splice(i, 1);
  }
}

test('a call with chat, a photo, a file and a shared screen, then the smallest client, breaks no part of the Content-Security-Policy', async ({
  launchPerson,
}, testInfo) => {
  const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('blue')]);
  const aliceViolations = await watchPolicy(alice.context, alice.page);
  const bobViolations = await watchPolicy(bob.context, bob.page);
  const room = uniqueRoom('csp');

  // The policy is really there, with the headers that go with it.
  const answer = await alice.page.goto(`/r/${room}`);
  const headers = answer!.headers();
  expect(headers['content-security-policy']).toContain("script-src 'self'");
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-content-type-options']).toBe('nosniff');
  // Plain HTTP: no HSTS.
  expect(headers['strict-transport-security']).toBeUndefined();
  await probeWatch(alice, aliceViolations);

  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);

  // Chat.
  await alice.page.getByRole('textbox', { name: named('Message') }).fill('policy check');
  await alice.page.getByRole('button', { name: named('Send') }).click();
  await expect(chatLog(bob.page)).toContainText('policy check');

  // A photo: a blob: image in both chat logs.
  await alice.page.getByRole('button', { name: named('Take photo') }).click();
  for (const page of [alice.page, bob.page]) {
    const photo = chatLog(page).locator('img').first();
    await expect(photo).toBeVisible({ timeout: 15_000 });
    await photo.evaluate((img: HTMLImageElement) => img.decode());
  }

  // A file, downloaded by the other side.
  const source = testInfo.outputPath('notes.txt');
  await writeFile(source, 'minutes of the meeting\n'.repeat(200));
  const chooser = alice.page.waitForEvent('filechooser', { timeout: 15_000 });
  chooser.catch(() => undefined);
  await alice.page.getByRole('button', { name: named('Send file') }).click();
  const everyone = alice.page.getByRole('button', { name: named('Everyone') });
  const opened = await Promise.race([
    chooser.then(() => 'chooser' as const),
    everyone.waitFor().then(() => 'menu' as const),
  ]);
  if (opened === 'menu') await everyone.click();
  await (await chooser).setFiles(source);
  const download = bob.page.waitForEvent('download', { timeout: 20_000 });
  await bob.page.getByRole('button', { name: /^\s*accept\b/i }).click();
  expect((await (await download).path()).length).toBeGreaterThan(0);

  // The screen, shared and stopped.
  await bob.page.getByRole('button', { name: named('Share screen') }).click();
  await bob.page.getByRole('button', { name: named('Stop sharing') }).click();
  await expect(bob.page.getByRole('button', { name: named('Share screen') })).toBeVisible();

  // The second page: Bob comes back on the smallest client.
  await bob.page.goto(`/minimal.html?room=${room}`);
  await bob.page.getByRole('textbox', { name: named('Your name') }).fill('Bob');
  await bob.page.getByRole('button', { name: named('Join') }).click();
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);
  await bob.page.getByRole('textbox', { name: named('Message') }).fill('from the small page');
  await bob.page.getByRole('button', { name: named('Send') }).click();
  await expect(chatLog(alice.page)).toContainText('from the small page');

  expect(aliceViolations, 'CSP violations in Alice’s browser').toEqual([]);
  expect(bobViolations, 'CSP violations in Bob’s browser').toEqual([]);
});
