/**
 * The process entry point, and the only place that reads `process.env`, so everything else
 * is built from plain options that tests can write. Parses the environment, builds the app,
 * listens, and shuts down cleanly on SIGTERM/SIGINT.
 */
import { existsSync } from 'node:fs';
import { loadTls, printLanBanner, reachableUrls } from '@app/lan';
import pino from 'pino';
import { build, DEFAULT_WEB_ROOT } from './app.ts';
import { parseConfig } from './config.ts';
import { turnOffPretenuring } from './gc.ts';

/**
 * Shutdown must finish within a second, whatever hangs: a process manager (or a person at
 * Ctrl-C) restarting the server should not wait on a client that never answers the close.
 */
const SHUTDOWN_DEADLINE_MS = 900;

/**
 * Log lines go out in blocks of this many bytes, and at least every LOG_FLUSH_MS, instead of
 * one write system call per line: a call set-up logs four lines (two joins, two leaves),
 * and writing each at once cost about a twentieth of the server's CPU per set-up. Whatever
 * is still buffered is written when the process exits.
 */
const LOG_BLOCK_BYTES = 4096;
const LOG_FLUSH_MS = 500;

async function main(): Promise<void> {
  turnOffPretenuring();
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const { config } = parsed;
  // HTTPS (LAN=1, HTTPS=1 or TLS_CERT/TLS_KEY): the given files or the generated self-signed certificate.
  const tls = config.serve.tls ? await loadTls(config.serve.tls) : undefined;
  const https = tls ? { key: tls.key, cert: tls.cert } : undefined;
  const logs = pino.destination({ dest: 1, sync: false, minLength: LOG_BLOCK_BYTES });
  setInterval(() => logs.flush(), LOG_FLUSH_MS).unref();
  const app = await build({ ...config, https, logger: { level: config.logLevel, stream: logs } });

  let isClosing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (isClosing) return;
    isClosing = true;
    app.log.info({ event: 'shutdown', signal }, 'shutting down');
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(`Signaling server listening on ${tls ? 'https' : 'http'}://${shownHost}:${port}\n`);
  // Where to open the app from a phone (with a QR code), when this process serves it.
  if (tls && config.serve.isLan && existsSync(config.webRoot ?? DEFAULT_WEB_ROOT)) {
    await printLanBanner(reachableUrls(config.host, port, 'https'), {
      title: 'the call app',
      isSelfSigned: tls.isSelfSigned,
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
