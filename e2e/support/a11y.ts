import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';

/** The window sizes every page is checked at: a laptop and a phone. */
export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

export type Viewport = (typeof VIEWPORTS)[number];

/**
 * Runs axe-core on the page as it is now, with every rule it has, and fails on any serious or
 * critical violation (the report names the rule, the elements and what to fix). `only`: a CSS
 * selector of the part to check (a dialog over a page already checked).
 */
export async function expectNoSeriousA11yProblems(
  page: Page,
  where: string,
  testInfo: TestInfo,
  only?: string,
) {
  const builder = new AxeBuilder({ page });
  const results = await (only ? builder.include(only) : builder).analyze();
  const serious = results.violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  if (serious.length > 0) {
    await testInfo.attach(`axe ${where}.json`, {
      body: JSON.stringify(serious, null, 2),
      contentType: 'application/json',
    });
  }
  const summary = serious.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    elements: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
  }));
  expect(summary, `serious or critical accessibility problems on ${where}`).toEqual([]);
}

/** What the focused element looks like: whether focus shows (an outline or a ring). */
interface FocusLook {
  tag: string;
  name: string;
  isFocusVisible: boolean;
  hasRing: boolean;
}

async function focusLook(page: Page): Promise<FocusLook | null> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!(element instanceof HTMLElement) || element === document.body) return null;
    const style = getComputedStyle(element);
    const hasOutline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const hasShadow = style.boxShadow !== 'none' && style.boxShadow !== '';
    return {
      tag: element.tagName.toLowerCase(),
      name: (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40),
      isFocusVisible: element.matches(':focus-visible'),
      hasRing: hasOutline || hasShadow,
    };
  });
}

/** Something has focus, the browser shows it as keyboard focus, and it has a visible ring. */
export async function expectFocusVisible(page: Page, after: string): Promise<void> {
  const look = await focusLook(page);
  expect(look, `after ${after}, something has focus (not <body>)`).not.toBeNull();
  expect(look, `after ${after}, focus is visible`).toMatchObject({ isFocusVisible: true, hasRing: true });
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, checking on the way that every element
 * focused shows it.
 */
export async function tabTo(page: Page, target: Locator, backwards = false, maxPresses = 60) {
  const key = backwards ? 'Shift+Tab' : 'Tab';
  for (let press = 1; press <= maxPresses; press++) {
    await page.keyboard.press(key);
    await expectFocusVisible(page, `${key} #${press}`);
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`${key} never reached ${target.toString()} in ${maxPresses} presses`);
}

export async function expectFocused(target: Locator, message: string): Promise<void> {
  await expect
    .poll(() => target.evaluate((element) => element === document.activeElement), { message })
    .toBe(true);
}

/**
 * Latin letters left on the page, read as a person reads it: the text on screen (innerText,
 * which includes visually hidden labels) and the names and hints in aria-label, title, alt and
 * placeholder. `allowed` are names, room ids, device labels and the like, removed first.
 */
export async function latinWordsLeft(page: Page, allowed: readonly string[]): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const read = [document.body.innerText, document.title];
    for (const element of document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')) {
      for (const attribute of ['aria-label', 'title', 'alt', 'placeholder']) {
        const value = element.getAttribute(attribute);
        if (value) read.push(value);
      }
    }
    return read;
  });
  const longestFirst = [...allowed].filter(Boolean).sort((a, b) => b.length - a.length);
  const words = texts.flatMap((text) => {
    let rest = text;
    for (const word of longestFirst) rest = rest.split(word).join(' ');
    return rest.match(/[A-Za-z]+/g) ?? [];
  });
  return [...new Set(words)];
}
