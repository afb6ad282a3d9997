/**
 * LAN mode for the Vite dev server: HTTPS with the generated certificate (browsers give the
 * camera to secure origins only, and `http://192.168.x.y` is not one), every interface, the
 * `/ws` proxy switched to the signaling server's HTTPS, and the LAN URLs with a QR code.
 */
import type { Plugin, ProxyOptions } from 'vite';
import { printLanBanner } from './banner.ts';
import { parseServeMode, type ServeMode } from './env.ts';
import { reachableUrls } from './network.ts';
import { loadTls } from './tls.ts';

export function lanDevServer(mode: ServeMode = parseServeMode(process.env)): Plugin {
  let isSelfSigned = true;
  return {
    name: 'app-lan-dev-server',
    apply: 'serve',
    async config(config) {
      if (!mode.tls) return;
      const tls = await loadTls(mode.tls);
      isSelfSigned = tls.isSelfSigned;
      // The signaling server reads the same variables, so it speaks HTTPS too; its certificate
      // is our own (or the operator's) and the hop is loopback, hence `secure: false`.
      const proxy = Object.fromEntries(
        Object.entries(config.server?.proxy ?? {}).map(([path, entry]) => [path, toSecureProxy(entry)]),
      );
      return {
        server: {
          https: { key: tls.key, cert: tls.cert },
          ...(mode.isLan ? { host: '0.0.0.0' } : {}),
          proxy,
        },
        preview: { https: { key: tls.key, cert: tls.cert } },
      };
    },
    configureServer(server) {
      if (!mode.isLan) return;
      server.httpServer?.once('listening', () => {
        const address = server.httpServer?.address();
        const port =
          typeof address === 'object' && address ? address.port : (server.config.server.port ?? 5173);
        void printLanBanner(reachableUrls('0.0.0.0', port, 'https'), { title: 'the call app', isSelfSigned });
      });
    },
  };
}

function toSecureProxy(entry: string | ProxyOptions): string | ProxyOptions {
  const target = typeof entry === 'string' ? entry : entry.target;
  if (typeof target !== 'string') return entry;
  const secureTarget = target.replace(/^ws:/, 'wss:').replace(/^http:/, 'https:');
  return typeof entry === 'string'
    ? { target: secureTarget, secure: false }
    : { ...entry, target: secureTarget, secure: false };
}
