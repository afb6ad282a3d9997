import { writeFile } from 'node:fs/promises';
import type { Page, TestInfo } from '@playwright/test';

/**
 * What a failed many-browser test leaves for whoever reads the report: each server's log
 * (by name) and the text each person's page showed at the end. Each is also a file in the
 * test's output folder, since the list reporter shows no attachments.
 */
export async function attachFailure(
  testInfo: TestInfo,
  logs: Record<string, string>,
  people: readonly { name: string; page: Page }[],
): Promise<void> {
  for (const [name, body] of Object.entries(logs)) {
    await testInfo.attach(name, { body, contentType: 'text/plain' });
    await writeFile(testInfo.outputPath(name), body);
  }
  for (const person of people) {
    const text = await person.page
      .locator('body')
      .innerText()
      .catch(() => 'no page');
    await testInfo.attach(`${person.name}.txt`, { body: text, contentType: 'text/plain' });
    await writeFile(testInfo.outputPath(`${person.name}.txt`), text);
  }
}
