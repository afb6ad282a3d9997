import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { DEFAULT_CONFIG, type Config } from './config.ts';
import adminPlugin from './plugins/admin.ts';
import faultsPlugin from './plugins/faults.ts';
import healthPlugin from './plugins/health.ts';
import metricsPlugin from './plugins/metrics.ts';
import securityPlugin from './plugins/security.ts';
import signalingPlugin from './plugins/signaling.ts';
import webPlugin from './plugins/web.ts';
import { registryFactory } from './rooms/registryFactory.ts';
import type { RegistryFactory } from './rooms/RoomRegistry.ts';

/**
 * What `build` reads: the configuration (less where to listen, which is server.ts's
 * business), and what only code can hand over.
 */
export type AppOptions = Omit<Config, 'port' | 'host' | 'logLevel' | 'serve'> & {
  /** Fastify's logger option; tests pass false. */
  logger?: FastifyServerOptions['logger'];
  /** PEM key and certificate: serve HTTPS (and WSS) instead of HTTP (LAN mode, TLS_CERT/TLS_KEY). */
  https?: { key: string; cert: string } | undefined;
  /** Overrides how rooms are stored (tests, or another backend). */
  createRegistry?: RegistryFactory | undefined;
};

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * Every request and message is checked with zod (the protocol's schemas), and no route
 * declares a JSON Schema, so Fastify's compilers for them (Ajv and fast-json-stringify, about
 * 1.6 MiB of heap and 100 modules at start) are never loaded. A route that declares one makes
 * the server fail at start-up, saying so.
 */
export const JSON_SCHEMA_REFUSED = 'routes here take no JSON Schema: check input with zod';
const refuseJsonSchema = (): never => {
  throw new Error(JSON_SCHEMA_REFUSED);
};
export const WITHOUT_JSON_SCHEMAS = {
  compilersFactory: { buildValidator: () => refuseJsonSchema, buildSerializer: () => refuseJsonSchema },
};

/**
 * Builds the whole server without listening, so tests call `inject()` or listen on port 0.
 * `overrides` go over the defaults of an empty environment.
 */
export async function build(overrides: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const options: AppOptions = { ...DEFAULT_CONFIG, ...overrides };
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy,
    schemaController: WITHOUT_JSON_SCHEMAS,
    // Same instance type either way: the plugins only use what HTTP and HTTPS servers share.
    ...(options.https ? { https: options.https } : {}),
  }) as FastifyInstance;

  // First, so that its headers are on every answer, refusals included.
  await app.register(securityPlugin, { isTls: options.https !== undefined });
  await app.register(metricsPlugin);
  await app.register(signalingPlugin, {
    config: options,
    createRegistry: options.createRegistry ?? (await registryFactory(options, app.log)),
  });
  await app.register(healthPlugin);
  if (options.adminToken !== undefined) await app.register(adminPlugin, { token: options.adminToken });
  if (options.faultInjection) await app.register(faultsPlugin);

  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  if (existsSync(webRoot)) await app.register(webPlugin, { root: webRoot });
  else app.log.info({ event: 'web-missing', webRoot }, 'no built web app; serving the API only');

  await app.ready();
  return app;
}
