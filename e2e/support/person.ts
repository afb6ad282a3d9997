import {
  chromium,
  expect,
  type Browser,
  type BrowserContext,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { rm } from 'node:fs/promises';
import { chromiumArgs, playwrightDisableFeaturesArg } from './chromium-args.ts';
import { COLOURS, type Camera, type Colour, type Rgb } from './media.ts';
import { CHROMIUM_PATH } from './paths.ts';

/** One person in a test: a separate Chromium process whose camera shows one solid colour. */
export interface Person {
  readonly colour: Colour;
  readonly rgb: Rgb;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Page errors, console errors and unexpected dialogs seen so far. */
  readonly problems: string[];
  /** Closes this person's page and gives the browser process back for a later test. */
  close(): Promise<void>;
}

export interface PersonOptions {
  /** false: the person refuses camera and microphone (no fake-UI auto-accept, prompts denied). */
  grantMedia?: boolean;
  /** Console errors the test expects (e.g. the browser's own log of a failed WebSocket). */
  allowConsole?: RegExp[];
  /**
   * The person's language (`navigator.languages`, Accept-Language, Intl): `en-US` unless said,
   * so the suite does not depend on the machine's own locale.
   */
  locale?: string;
  /** The window size: 1024x720 unless said. */
  viewport?: { width: number; height: number };
  /** The fake camera's size and rate: VGA at 30 fps unless said. */
  camera?: Camera;
}

type BrowserKey = `${Colour}:${'granted' | 'denied'}:${Camera}`;

/**
 * Chromium processes are kept between tests: starting one costs about a second of a busy
 * two-core machine. A browser is lent to one person at a time, so two people in a call are
 * always two processes; each person gets a fresh context (no shared storage or cookies).
 */
export class BrowserPool {
  readonly #idle = new Map<BrowserKey, Browser[]>();
  readonly #all = new Set<Browser>();
  readonly #keys = new WeakMap<Browser, BrowserKey>();

  async acquire(colour: Colour, grantMedia: boolean, camera: Camera = 'vga'): Promise<Browser> {
    const key: BrowserKey = `${colour}:${grantMedia ? 'granted' : 'denied'}:${camera}`;
    const idle = this.#idle.get(key) ?? [];
    while (idle.length > 0) {
      const browser = idle.pop()!;
      if (browser.isConnected()) return browser;
      this.#all.delete(browser);
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: chromiumArgs({ colour, grantMedia, camera }),
      ignoreDefaultArgs: [playwrightDisableFeaturesArg()],
    });
    this.#all.add(browser);
    this.#keys.set(browser, key);
    return browser;
  }

  release(browser: Browser): void {
    const key = this.#keys.get(browser);
    if (!key || !browser.isConnected()) {
      this.#all.delete(browser);
      return;
    }
    const idle = this.#idle.get(key) ?? [];
    idle.push(browser);
    this.#idle.set(key, idle);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#all].map((browser) => browser.close().catch(() => undefined)));
    this.#all.clear();
    this.#idle.clear();
  }
}

export async function openPerson(
  pool: BrowserPool,
  baseURL: string,
  colour: Colour,
  options: PersonOptions = {},
): Promise<Person> {
  const grantMedia = options.grantMedia ?? true;
  const browser = await pool.acquire(colour, grantMedia, options.camera);
  const context = await browser.newContext({
    baseURL,
    viewport: options.viewport ?? { width: 1024, height: 720 },
    locale: options.locale ?? 'en-US',
    permissions: grantMedia ? ['camera', 'microphone'] : [],
  });
  const page = await context.newPage();
  const problems = watchProblems(page, options.allowConsole ?? []);
  let isClosed = false;
  return {
    colour,
    rgb: COLOURS[colour],
    browser,
    context,
    page,
    problems,
    async close() {
      if (isClosed) return;
      isClosed = true;
      await context.close().catch(() => undefined);
      pool.release(browser);
    },
  };
}

/** Page errors, console errors (but `allowed` ones) and dialogs of `page`, as they happen. */
function watchProblems(page: Page, allowed: readonly RegExp[]): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (allowed.some((pattern) => pattern.test(text))) return;
    problems.push(`console error: ${text} (${message.location().url}:${message.location().lineNumber})`);
  });
  // The page must never open a dialog on its own (an injected `alert()` would show up here).
  page.on('dialog', (dialog) => {
    problems.push(`unexpected ${dialog.type()} dialog: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('crash', () => problems.push('the page crashed'));
  return problems;
}

/** A person whose browser keeps its profile in a directory (see openPersistentPerson). */
export type PersistentPerson = Omit<Person, 'browser'>;

/**
 * A person in a Chromium of their own with a profile on disk, as a real browser has. The
 * pool's people use throwaway (incognito) contexts, whose origin private file system and
 * blob store live in the browser's memory; a test that moves a gigabyte through them wants
 * them on disk. The profile directory goes with the person.
 */
export async function openPersistentPerson(
  baseURL: string,
  colour: Colour,
  profileDir: string,
  options: PersonOptions = {},
): Promise<PersistentPerson> {
  const grantMedia = options.grantMedia ?? true;
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumArgs({ colour, grantMedia }),
    ignoreDefaultArgs: [playwrightDisableFeaturesArg()],
    baseURL,
    viewport: { width: 1024, height: 720 },
    permissions: grantMedia ? ['camera', 'microphone'] : [],
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = watchProblems(page, options.allowConsole ?? []);
  let isClosed = false;
  return {
    colour,
    rgb: COLOURS[colour],
    context,
    page,
    problems,
    async close() {
      if (isClosed) return;
      isClosed = true;
      await context.close().catch(() => undefined);
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * Ends a test's people: screenshots of each when the test failed, then closes them and
 * fails the test if any page reported errors, console errors or dialogs.
 */
export async function releasePeople(
  people: readonly Pick<Person, 'colour' | 'page' | 'problems' | 'close'>[],
  testInfo: TestInfo,
): Promise<void> {
  if (testInfo.status !== testInfo.expectedStatus) {
    for (const [index, person] of people.entries()) {
      const path = testInfo.outputPath(`person-${index + 1}-${person.colour}.png`);
      const shot = await person.page.screenshot({ path, timeout: 5000 }).catch(() => undefined);
      if (shot)
        await testInfo.attach(`person-${index + 1}-${person.colour}`, { path, contentType: 'image/png' });
    }
  }
  const problems = people.flatMap((person) =>
    person.problems.map((problem) => `${person.colour}: ${problem}`),
  );
  await Promise.all(people.map((person) => person.close()));
  expect(problems, 'no page errors, console errors or dialogs in any browser').toEqual([]);
}
