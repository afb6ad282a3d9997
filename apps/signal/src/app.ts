import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIMITS } from '@app/protocol';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import faultsPlugin from './plugins/faults.ts';
import healthPlugin from './plugins/health.ts';
import metricsPlugin from './plugins/metrics.ts';
import signalingPlugin from './plugins/signaling.ts';
import webPlugin from './plugins/web.ts';
import { MemoryRoomRegistry } from './rooms/MemoryRoomRegistry.ts';
import { RedisRoomRegistry } from './rooms/RedisRoomRegistry.ts';
import type { RegistryHooks, RoomRegistry } from './rooms/RoomRegistry.ts';
import { DEV_ORIGINS } from './signaling/origin.ts';
import { ResumeTokens } from './signaling/ResumeTokens.ts';

export interface AppOptions {
  maxMessageBytes: number;
  roomCapacity: number;
  heartbeatMs: number;
  rateBurst: number;
  ratePerSecond: number;
  rateStrikes: number;
  /** Origins besides the page's own that may open `/ws`; defaults to the dev servers. */
  allowedOrigins?: readonly string[] | undefined;
  stunUrls: readonly string[];
  turnUrls: readonly string[];
  turnSecret?: string | undefined;
  turnTtlSeconds: number;
  /** The built web app; served only when the directory exists. */
  webRoot?: string | undefined;
  /** Key for resume tokens; random per process when unset (resume then survives drops, not restarts). */
  resumeSecret?: string | undefined;
  resumeGraceMs: number;
  /** Events queued for a held seat before it is given up (then `peer-left`). */
  resumeQueueLimit: number;
  redisUrl?: string | undefined;
  /** How long a silent process keeps its seats in Redis before others sweep them. */
  redisPresenceTtlMs?: number | undefined;
  faultInjection: boolean;
  /** Fastify's logger option; tests pass false. */
  logger?: FastifyServerOptions['logger'];
  /** PEM key and certificate: serve HTTPS (and WSS) instead of HTTP (LAN mode, TLS_CERT/TLS_KEY). */
  https?: { key: string; cert: string } | undefined;
  /** Fastify's `trustProxy` (TRUST_PROXY): believe X-Forwarded-* from these proxies. */
  trustProxy?: boolean | string[] | undefined;
  /** Overrides how rooms are stored (tests, or another backend). */
  createRegistry?: ((hooks: RegistryHooks) => RoomRegistry) | undefined;
}

export const DEFAULT_OPTIONS: AppOptions = {
  maxMessageBytes: LIMITS.maxMessageBytes,
  roomCapacity: LIMITS.roomCapacity,
  heartbeatMs: LIMITS.heartbeatMs,
  rateBurst: LIMITS.rateBurst,
  ratePerSecond: LIMITS.ratePerSecond,
  rateStrikes: LIMITS.rateStrikes,
  stunUrls: [],
  turnUrls: [],
  turnTtlSeconds: LIMITS.turnTtlSeconds,
  resumeGraceMs: LIMITS.resumeGraceMs,
  // A full call set-up with trickle ICE is a few dozen events per peer.
  resumeQueueLimit: 512,
  faultInjection: false,
};

/** Resume tokens outlive any one connection; a day covers the longest call. */
const RESUME_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Builds the whole server without listening (STYLE: build, then listen). */
export async function build(overrides: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const options: AppOptions = { ...DEFAULT_OPTIONS, ...overrides };
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    // Same instance type either way: the plugins only use what HTTP and HTTPS servers share.
    ...(options.https ? { https: options.https } : {}),
  }) as FastifyInstance;

  const { redisUrl } = options;
  const createRegistry =
    options.createRegistry ??
    (redisUrl === undefined
      ? (hooks: RegistryHooks) =>
          new MemoryRoomRegistry({ capacity: options.roomCapacity, deliver: hooks.deliver })
      : (hooks: RegistryHooks) =>
          new RedisRoomRegistry({
            url: redisUrl,
            capacity: options.roomCapacity,
            hooks,
            log: app.log,
            presenceTtlMs: options.redisPresenceTtlMs,
          }));

  await app.register(metricsPlugin);
  await app.register(signalingPlugin, {
    maxMessageBytes: options.maxMessageBytes,
    allowedOrigins: options.allowedOrigins ?? DEV_ORIGINS,
    createRegistry,
    roomCapacity: options.roomCapacity,
    heartbeatMs: options.heartbeatMs,
    rateBurst: options.rateBurst,
    ratePerSecond: options.ratePerSecond,
    rateStrikes: options.rateStrikes,
    resumeGraceMs: options.resumeGraceMs,
    resumeQueueLimit: options.resumeQueueLimit,
    ice: {
      stunUrls: options.stunUrls,
      turnUrls: options.turnUrls,
      turnSecret: options.turnSecret,
      turnTtlSeconds: options.turnTtlSeconds,
    },
    tokens: new ResumeTokens(options.resumeSecret, RESUME_TOKEN_TTL_MS),
  });
  await app.register(healthPlugin);
  if (options.faultInjection) await app.register(faultsPlugin);

  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  if (existsSync(webRoot)) await app.register(webPlugin, { root: webRoot });
  else app.log.info({ event: 'web-missing', webRoot }, 'no built web app; serving the API only');

  await app.ready();
  return app;
}
