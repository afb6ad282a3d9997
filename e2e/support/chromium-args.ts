import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { y4mPath, type Camera, type Colour } from './media.ts';

/**
 * Features this suite turns off in Chromium. `WebRtcHideLocalIpsWithMdns` would hide host
 * candidates behind `.local` names for pages without camera permission (the receive-only
 * person), which then need mDNS to connect; real addresses keep loopback calls deterministic.
 */
const EXTRA_DISABLED_FEATURES = ['WebRtcHideLocalIpsWithMdns'];

let playwrightDisableFeatures: string | undefined;

/**
 * Chromium honours only the last `--disable-features`, and Playwright already passes one
 * (chromiumSwitches.ts). Read Playwright's list from its bundle so that the suite can drop
 * that exact argument (`ignoreDefaultArgs`) and pass one merged list instead.
 */
export function playwrightDisableFeaturesArg(): string {
  if (playwrightDisableFeatures) return playwrightDisableFeatures;
  const fromTest = createRequire(import.meta.url).resolve('@playwright/test');
  const playwrightPackage = createRequire(fromTest).resolve('playwright/package.json');
  const corePackage = createRequire(playwrightPackage).resolve('playwright-core/package.json');
  const bundle = readFileSync(join(dirname(corePackage), 'lib', 'coreBundle.js'), 'utf8');
  const block = /\bdisabledFeatures = \[([\s\S]*?)\]\.filter\(Boolean\)/.exec(bundle)?.[1];
  if (!block) throw new Error("Could not find Playwright's disabled Chromium features in playwright-core");
  const withoutComments = block.replace(/\/\/.*$/gm, '');
  const features = [...withoutComments.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
  if (features.length === 0) throw new Error("Playwright's disabled Chromium features list is empty");
  playwrightDisableFeatures = `--disable-features=${features.join(',')}`;
  return playwrightDisableFeatures;
}

export interface ChromiumOptions {
  colour: Colour;
  /** Grant camera and microphone without a prompt (a person who says yes). */
  grantMedia: boolean;
  camera?: Camera;
}

export function chromiumArgs({ colour, grantMedia, camera }: ChromiumOptions): string[] {
  const playwrightFeatures = playwrightDisableFeaturesArg().slice('--disable-features='.length).split(',');
  return [
    '--no-sandbox',
    ...(grantMedia ? ['--use-fake-ui-for-media-stream'] : ['--deny-permission-prompts']),
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4mPath(colour, camera)}`,
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    // Nothing outside this machine is ever contacted, not even by the browser itself.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    `--disable-features=${[...new Set([...playwrightFeatures, ...EXTRA_DISABLED_FEATURES])].join(',')}`,
  ];
}
