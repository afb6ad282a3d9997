/**
 * The process entry point: the only place that reads `process.env` (STYLE). Parses the
 * environment, builds the app, listens, and shuts down cleanly on SIGTERM/SIGINT.
 */
import { build } from './app.ts';
import { parseConfig } from './config.ts';

/** Shutdown must finish within a second (CONTRACT §1 / issue 3), whatever hangs. */
const SHUTDOWN_DEADLINE_MS = 900;

async function main(): Promise<void> {
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const { config } = parsed;
  const app = await build({ ...config.app, logger: { level: config.logLevel } });

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
  process.stdout.write(`Signaling server listening on http://${shownHost}:${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
