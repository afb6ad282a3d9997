/**
 * Environment -> the server's one configuration shape, validated once with zod. `server.ts`
 * is the only caller of `parseConfig`; `build()` starts from `DEFAULT_CONFIG` (the same
 * schema with nothing set) and every plugin and service reads the part of `Config` it needs
 * (`Pick<Config, ...>`), so a new setting is added here once and nowhere else.
 */
import { checkTlsPair, LAN_ENV, serveMode } from '@app/lan';
import { LIMITS } from '@app/protocol';
import * as z from 'zod';
import { DEV_ORIGINS } from './signaling/origin.ts';

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The media server's API: Janus's WebSocket transport (`ws+unix` for a local socket). */
const JANUS_PROTOCOLS = new Set(['ws:', 'wss:', 'ws+unix:']);

const janusUrlList = commaList.refine(
  (urls) => urls.every((url) => URL.canParse(url) && JANUS_PROTOCOLS.has(new URL(url).protocol)),
  'must be a comma list of ws://, wss:// or ws+unix:// URLs',
);

/** Values never echoed in a configuration error: they are secrets, or say where the media server is. */
const UNSHOWN = /SECRET|KEY|TOKEN|JANUS_URLS/;
/** A count or duration where 0 turns the limit off. */
const limitOrOff = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');

/**
 * Events queued for a held seat before it is given up (then `peer-left`). Not an environment
 * variable: a full call set-up with trickle ICE is a few dozen events per peer, so this only
 * matters to tests that overflow it on purpose.
 */
const RESUME_QUEUE_LIMIT = 512;

/** People per room when a media server carries the large ones (`ROOM_CAPACITY` still wins). */
const MEDIA_SERVER_ROOM_CAPACITY = 50;

/**
 * How long a media-server room must stay at or below `MESH_MAX` before it moves back to the
 * mesh, and how long each seat keeps its media-server handles after being told `mesh`: both
 * long enough for browsers to build the other way first (make before break). Not
 * environment variables: only tests shorten them.
 */
const MESH_RETURN_MS = 10_000;
const MESH_LEAVE_MS = 10_000;

const Env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Default 127.0.0.1; 0.0.0.0 in LAN mode. */
    HOST: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MAX_MESSAGE_BYTES: positiveInt(LIMITS.maxMessageBytes),
    // Its default depends on JANUS_URLS (see the transform below).
    ROOM_CAPACITY: z.coerce.number().int().positive().optional(),
    HEARTBEAT_MS: positiveInt(LIMITS.heartbeatMs),
    RATE_BURST: positiveInt(LIMITS.rateBurst),
    RATE_PER_SECOND: positiveInt(LIMITS.ratePerSecond),
    RATE_STRIKES: positiveInt(LIMITS.rateStrikes),
    ALLOWED_ORIGINS: commaList,
    STUN_URLS: commaList,
    TURN_URLS: commaList,
    TURN_SECRET: z.string().min(1).optional(),
    TURN_TTL_S: positiveInt(LIMITS.turnTtlSeconds),
    WEB_ROOT: z.string().min(1).optional(),
    RESUME_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    RESUME_GRACE_MS: z.coerce.number().int().min(0).default(LIMITS.resumeGraceMs),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    REDIS_PRESENCE_TTL_MS: z.coerce.number().int().min(100).optional(),
    FAULT_INJECTION: flag,
    JANUS_URLS: janusUrlList,
    JANUS_API_SECRET: z.string().min(1).optional(),
    JANUS_ADMIN_KEY: z.string().min(1).optional(),
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    MESH_MAX: positiveInt(4),
    ADDRESS_MAX_SOCKETS: limitOrOff(LIMITS.addressMaxSockets),
    ADDRESS_NEW_SOCKETS_PER_MINUTE: limitOrOff(LIMITS.addressNewSocketsPerMinute),
    PASSWORD_BACKOFF_MAX_MS: limitOrOff(LIMITS.passwordBackoffMaxMs),
    // LAN=1, HTTPS=1, TLS_CERT, TLS_KEY, TRUST_PROXY (described in @app/lan env.ts).
    ...LAN_ENV,
  })
  .superRefine(checkTlsPair)
  .refine((env) => env.TURN_URLS.length === 0 || env.TURN_SECRET !== undefined, {
    path: ['TURN_SECRET'],
    message: 'is required when TURN_URLS is set',
  })
  // Every process must read the media rooms the others stored in Redis, and claim the media
  // sessions of people who resume on it: they share this key.
  .refine(
    (env) => env.JANUS_URLS.length === 0 || env.REDIS_URL === undefined || env.RESUME_SECRET !== undefined,
    {
      path: ['RESUME_SECRET'],
      message: 'is required when both REDIS_URL and JANUS_URLS are set',
    },
  )
  // The variables' names, once, become the names the code uses.
  .transform((e) => ({
    port: e.PORT,
    // LAN mode is for other devices: every interface unless HOST says otherwise.
    host: e.HOST ?? (e.LAN ? '0.0.0.0' : '127.0.0.1'),
    logLevel: e.LOG_LEVEL,
    /** HTTPS and LAN mode; the certificate itself is read by server.ts. */
    serve: serveMode(e),
    /** Largest accepted frame; a larger one closes the socket with 1009. */
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    roomCapacity:
      e.ROOM_CAPACITY ?? (e.JANUS_URLS.length > 0 ? MEDIA_SERVER_ROOM_CAPACITY : LIMITS.roomCapacity),
    heartbeatMs: e.HEARTBEAT_MS,
    rateBurst: e.RATE_BURST,
    ratePerSecond: e.RATE_PER_SECOND,
    rateStrikes: e.RATE_STRIKES,
    /** Origins besides the page's own that may open `/ws`; the dev servers when unset. */
    allowedOrigins: e.ALLOWED_ORIGINS.length > 0 ? e.ALLOWED_ORIGINS : DEV_ORIGINS,
    stunUrls: e.STUN_URLS,
    turnUrls: e.TURN_URLS,
    turnSecret: e.TURN_SECRET,
    turnTtlSeconds: e.TURN_TTL_S,
    /** The built web app; served only when the directory exists (default: apps/web/dist). */
    webRoot: e.WEB_ROOT,
    /** Key for resume tokens; random per process when unset (resume then survives drops, not restarts). */
    resumeSecret: e.RESUME_SECRET,
    resumeGraceMs: e.RESUME_GRACE_MS,
    resumeQueueLimit: RESUME_QUEUE_LIMIT,
    /** Rooms shared through Redis; in this process's memory when unset. */
    redisUrl: e.REDIS_URL,
    /** How long a silent process keeps its seats in Redis before others sweep them. */
    redisPresenceTtlMs: e.REDIS_PRESENCE_TTL_MS,
    /** The `/test/drop` route, for tests that exercise recovery on purpose. */
    faultInjection: e.FAULT_INJECTION,
    /** Fastify's `trustProxy`: believe X-Forwarded-* from these proxies. */
    trustProxy: e.TRUST_PROXY,
    /** Janus WebSocket API URLs; each room is placed on one of them. None: every room is a mesh. */
    janusUrls: e.JANUS_URLS,
    janusApiSecret: e.JANUS_API_SECRET,
    janusAdminKey: e.JANUS_ADMIN_KEY,
    /** Bearer token of the operator's `/admin` routes (draining a media server); none: no such routes. */
    adminToken: e.ADMIN_TOKEN,
    /** A room of at most this many people uses the mesh; a larger one the media server. */
    meshMax: e.MESH_MAX,
    meshReturnMs: MESH_RETURN_MS,
    meshLeaveMs: MESH_LEAVE_MS,
    /** Per client address (`request.ip`, so behind TRUST_PROXY): sockets open at once; 0: no limit. */
    addressMaxSockets: e.ADDRESS_MAX_SOCKETS,
    /** Per client address: new sockets per minute; 0: no limit. */
    addressNewSocketsPerMinute: e.ADDRESS_NEW_SOCKETS_PER_MINUTE,
    /** Longest wait between wrong passwords per room and address; 0: no backoff. */
    passwordBackoffMaxMs: e.PASSWORD_BACKOFF_MAX_MS,
  }));

/** Everything the server can be told, as the code reads it. */
export type Config = z.output<typeof Env>;

/** What an empty environment means: the documented defaults. */
export const DEFAULT_CONFIG: Config = Env.parse({});

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

/** Parses the environment. Never throws: a bad value comes back as one readable line. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  // An empty variable means "not set", as in most shells' `VAR= command` habit.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = Env.safeParse(present);
  if (result.success) return { ok: true, config: result.data };
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || 'environment';
    const value = typeof issue.path[0] === 'string' ? present[issue.path[0]] : undefined;
    // Secrets are named but never echoed.
    const shown = value === undefined || UNSHOWN.test(name) ? '' : ` (got "${value}")`;
    return `${name}${shown}: ${issue.message}`;
  });
  return { ok: false, message: `Invalid configuration: ${problems.join('; ')}` };
}
