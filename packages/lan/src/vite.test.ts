import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConfigEnv, UserConfig } from 'vite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lanDevServer } from './vite.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lan-vite-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env: ConfigEnv = { command: 'serve', mode: 'development' };
const userConfig = (): UserConfig => ({
  server: { host: '127.0.0.1', port: 5173, proxy: { '/ws': { target: 'ws://127.0.0.1:3000', ws: true } } },
});

async function applyConfig(plugin: ReturnType<typeof lanDevServer>, config: UserConfig) {
  const hook = plugin.config;
  const handler = typeof hook === 'function' ? hook : hook?.handler;
  return (await handler?.call({} as never, config, env)) as UserConfig | null | undefined;
}

describe('lanDevServer', () => {
  it('changes nothing when LAN mode is off', async () => {
    const plugin = lanDevServer({ isLan: false, tls: undefined, trustProxy: false });
    expect(await applyConfig(plugin, userConfig())).toBeUndefined();
  });

  it('serves HTTPS on every interface and proxies /ws to the signaling server over WSS', async () => {
    const plugin = lanDevServer({ isLan: true, tls: { certificateDir: dir }, trustProxy: false });
    const result = await applyConfig(plugin, userConfig());
    expect(result?.server?.host).toBe('0.0.0.0');
    const https = result?.server?.https as { key: string; cert: string };
    expect(new X509Certificate(https.cert).checkHost('localhost')).toBe('localhost');
    expect(https.key).toMatch(/PRIVATE KEY/);
    expect(result?.server?.proxy).toEqual({
      '/ws': { target: 'wss://127.0.0.1:3000', ws: true, secure: false },
    });
  });

  it('HTTPS=1 keeps the configured host', async () => {
    const plugin = lanDevServer({ isLan: false, tls: { certificateDir: dir }, trustProxy: false });
    const result = await applyConfig(plugin, userConfig());
    expect(result?.server?.host).toBeUndefined();
    expect(result?.server?.https).toBeDefined();
  });
});
