import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JANUS_CONFIG_FILES, janusTestConfig } from './janus.ts';
import { parseJcfg, type JcfgGroup } from './jcfg.ts';
import { JANUS_DEPLOY_DIR } from './paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'janus-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(text: string, where: string): JcfgGroup {
  const parsed = parseJcfg(text);
  if (!parsed.ok) throw new Error(`${where} line ${parsed.line}: ${parsed.message}`);
  return parsed.value;
}

/** libconfig's own verdict, through Debian's janus-cfgconv. */
function checkWithLibconfig(path: string): void {
  execFileSync('janus-cfgconv', [path, join(dir, 'converted.jcfg')], { stdio: 'pipe' });
}

const deployFiles = readdirSync(JANUS_DEPLOY_DIR).filter((file) => file.endsWith('.jcfg'));
const generated = janusTestConfig({
  socketPath: '/tmp/janus-test/api.sock',
  address: '10.79.0.1',
  apiSecret: 'test-secret',
  adminKey: 'test-admin-key',
  overrides: { 'janus.jcfg': { general: { session_timeout: 5 } } },
});

describe('the Janus configuration in deploy/janus', () => {
  it('is exactly the three files Janus needs', () => {
    expect(deployFiles.sort()).toEqual([...JANUS_CONFIG_FILES].sort());
  });

  it.each(deployFiles)('%s parses, here and in libconfig', (file) => {
    const path = join(JANUS_DEPLOY_DIR, file);
    parse(readFileSync(path, 'utf8'), file);
    checkWithLibconfig(path);
  });

  it.each(Object.entries(generated))('the test launcher writes a valid %s', (file, text) => {
    parse(text, file);
    const path = join(dir, file);
    writeFileSync(path, text);
    checkWithLibconfig(path);
  });

  it('puts the test settings into the generated files', () => {
    const core = parse(generated['janus.jcfg'], 'janus.jcfg');
    expect(core.general).toMatchObject({
      api_secret: 'test-secret',
      session_timeout: 5,
      interface: '10.79.0.1',
    });
    const websockets = parse(generated['janus.transport.websockets.jcfg'], 'websockets');
    expect(websockets.general).toMatchObject({ ws: true, ws_unix: '/tmp/janus-test/api.sock' });
    expect(websockets.general).not.toHaveProperty('ws_ip');
    const videoroom = parse(generated['janus.plugin.videoroom.jcfg'], 'videoroom');
    expect(videoroom.general).toMatchObject({ admin_key: 'test-admin-key', string_ids: false });
  });

  it('keeps the API private and off by default where it could be public', () => {
    const websockets = parse(
      readFileSync(join(JANUS_DEPLOY_DIR, 'janus.transport.websockets.jcfg'), 'utf8'),
      'ws',
    );
    expect(websockets.general).toMatchObject({ ws: true, wss: false, ws_ip: '127.0.0.1' });
    expect(websockets.admin).toMatchObject({ admin_ws: false, admin_wss: false });
    const core = parse(readFileSync(join(JANUS_DEPLOY_DIR, 'janus.jcfg'), 'utf8'), 'janus.jcfg');
    const general = core.general as JcfgGroup;
    expect(general.session_timeout).toBe(60);
    // Long enough for a signaling server to restart and claim its sessions back.
    expect(general.reclaim_session_timeout).toBeGreaterThanOrEqual(30);
    expect(general).not.toHaveProperty('admin_secret');
  });

  // Debian installs the shared objects under /usr/lib/<multiarch>/janus/<kind>/.
  const installed = readdirSync('/usr/lib')
    .map((entry) => join('/usr/lib', entry, 'janus'))
    .find((path) => existsSync(join(path, 'plugins')));
  it('disables every plugin, transport, logger and event handler the package ships but ours', () => {
    expect(installed, 'Debian janus package not found: run scripts/setup.sh --test').toBeDefined();
    const core = parse(readFileSync(join(JANUS_DEPLOY_DIR, 'janus.jcfg'), 'utf8'), 'janus.jcfg');
    const kinds = {
      plugins: 'plugins',
      transports: 'transports',
      loggers: 'loggers',
      events: 'events',
    } as const;
    for (const [section, folder] of Object.entries(kinds)) {
      const shipped = readdirSync(join(installed!, folder)).filter((file) => file.endsWith('.so'));
      const disabled = String((core[section] as JcfgGroup).disable ?? '')
        .split(',')
        .map((name) => name.trim());
      const enabled = shipped.filter((file) => !disabled.includes(file));
      expect(enabled, section).toEqual(
        { plugins: ['libjanus_videoroom.so'], transports: ['libjanus_websockets.so'] }[section as string] ??
          [],
      );
    }
  });
});
