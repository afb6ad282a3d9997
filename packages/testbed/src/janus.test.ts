import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { JANUS_NICENESS, JanusServer } from './janus.ts';
import { NetLab, run } from './netlab.ts';
import type { OwnedProcess } from './process.ts';
import { processStat } from './procstat.ts';

/** One Janus API request over the launcher's socket, from the root namespace. */
function ask(server: JanusServer, request: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(server.url, 'janus-protocol');
    socket.on('open', () => socket.send(JSON.stringify({ ...request, transaction: 't' })));
    socket.on('message', (data) => {
      resolve(JSON.parse(String(data)) as Record<string, unknown>);
      socket.close();
    });
    socket.on('error', reject);
  });
}

/** A TCP listener and a client, as node one-liners: neither namespace has ping. */
const LISTEN = `require('net').createServer((s) => s.end('reached')).listen(9999, process.argv[1], () => console.log('listening'))`;
const CONNECT = `require('net').connect(9999, process.argv[1]).on('data', (d) => process.stdout.write(d))`;

async function waitForLine(child: OwnedProcess, text: string): Promise<void> {
  while (!child.output().includes(text)) {
    if (child.hasExited) throw new Error(child.output());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const lab = new NetLab('janus');
afterAll(() => lab.destroy());

describe('JanusServer, the test launcher', { timeout: 30_000 }, () => {
  it('puts Janus on a link to the caller’s namespace, stops, kills, restarts and cleans up', async () => {
    const home = lab.namespace('home');
    const server = await JanusServer.start({
      lab,
      link: { ns: home, janusCidr: '10.80.0.1/24', peerCidr: '10.80.0.2/24', peerDev: 'media' },
      apiSecret: 'launcher-secret',
    });
    expect(server.peerNs).toBe(home);
    expect(server.address).toBe('10.80.0.1');
    // The caller's namespace reaches Janus's media address; the root namespace has no route there.
    const listener = lab.spawn(server.ns, 'listener', process.execPath, ['-e', LISTEN, server.address], {});
    await waitForLine(listener, 'listening');
    expect(lab.exec(home, process.execPath, ['-e', CONNECT, server.address])).toBe('reached');
    await listener.stop();
    expect(run('ip', ['-o', 'addr']).includes('10.80.0.')).toBe(false);

    expect(await ask(server, { janus: 'info' })).toMatchObject({ janus: 'server_info', api_secret: true });
    expect(await ask(server, { janus: 'create' })).toMatchObject({ janus: 'error', error: { code: 403 } });
    const config = readFileSync(join(server.configDir, 'janus.jcfg'), 'utf8');
    expect(config).toContain('api_secret = "launcher-secret"');
    // The pid is Janus's own, not the `ip netns exec` that started it: its CPU time is Janus's.
    expect(readFileSync(`/proc/${server.pid}/comm`, 'utf8').trim()).toBe('janus');
    // Ahead of the browsers for the CPU.
    expect(processStat(server.pid!)?.niceness).toBe(JANUS_NICENESS);

    await server.stop('SIGKILL');
    expect(server.isRunning).toBe(false);
    expect(server.pid).toBeUndefined();
    await server.restart();
    expect(await ask(server, { janus: 'info', apisecret: 'launcher-secret' })).toMatchObject({
      janus: 'server_info',
    });

    const dir = server.configDir;
    await server.destroy();
    expect(server.isRunning).toBe(false);
    expect(() => readFileSync(join(dir, 'janus.jcfg'))).toThrow();
    // The caller's lab keeps its namespaces, Janus's included, until the caller destroys it.
    expect(run('ip', ['netns', 'list'])).toContain(home);
  });
});
