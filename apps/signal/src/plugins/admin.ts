import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import * as z from 'zod';

export interface AdminPluginOptions {
  /** The operator's bearer token (ADMIN_TOKEN). */
  token: string;
}

// Digits only: a coerced number would read " " as 0 and "0x1" as 1.
const ServerParams = z.object({
  index: z
    .string()
    .regex(/^\d{1,4}$/)
    .transform(Number),
});
const DrainQuery = z.object({ now: z.enum(['0', '1', 'true', 'false']).optional() });

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The operator's routes, behind `Authorization: Bearer <ADMIN_TOKEN>`. Both sides are hashed
 * before the constant-time compare, so neither the token's content nor its length shows in
 * how long a refusal takes.
 *
 * - `GET /admin/media-servers`: `draining`, the media servers every process drains, and each
 *   media server by index: up, draining, and what it carries as this process sees it (the
 *   rooms it has seats in).
 * - `POST /admin/media-servers/:index/drain[?now=1]`: no process gives it a new room; its
 *   rooms move when they next grow or shrink, or at once with `now`, each process moving the
 *   rooms it has seats in. `moving` counts this process's rooms only.
 * - `DELETE /admin/media-servers/:index/drain`: every process gives it new rooms again.
 *
 * Draining is kept in the room registry, so with REDIS_URL it is shared: a drain asked of any
 * process reaches the others at once (and, should one miss it, at its next read of the
 * registry, every couple of seconds), and a process started later reads it at start. Behind a
 * load balancer, any process will do. A server is named by its index in JANUS_URLS, so every
 * process lists the same servers in the same order (placement relies on it too). While the
 * registry's store is unreachable these routes answer 503.
 *
 * The token check is a hook of a context holding only these routes, so it guards whatever
 * path the router matched to them: a check of the request's URL text would let an encoded
 * path (`/%61dmin/...`, which the router decodes) through.
 */
const adminPlugin: FastifyPluginAsync<AdminPluginOptions> = async (parent, options) => {
  await parent.register(adminRoutes, { ...options, prefix: '/admin' });
};

const adminRoutes: FastifyPluginAsync<AdminPluginOptions> = async (app, { token }) => {
  const expected = digest(`Bearer ${token}`);
  const isAllowed = (request: FastifyRequest): boolean =>
    timingSafeEqual(digest(request.headers.authorization ?? ''), expected);

  app.addHook('onRequest', async (request, reply) => {
    if (!isAllowed(request)) {
      request.log.warn({ event: 'admin-refused' }, 'admin request without the token');
      return reply.code(401).header('www-authenticate', 'Bearer').send({ status: 'unauthorized' });
    }
  });

  const serverOf = (request: FastifyRequest, reply: FastifyReply) => {
    const params = ServerParams.safeParse(request.params);
    const server = params.success ? app.signaling.media?.servers.get(params.data.index) : undefined;
    if (server === undefined) void reply.code(404).send({ status: 'no-such-media-server' });
    return server;
  };

  /** What the registry answers; undefined, with 503 sent, while its store is unreachable. */
  const fromRegistry = async <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    ask: () => Promise<T>,
  ): Promise<{ value: T } | undefined> => {
    try {
      return { value: await ask() };
    } catch (error) {
      request.log.warn({ event: 'admin-registry-failed', err: String(error) }, 'room registry unreachable');
      void reply.code(503).send({ status: 'registry-unavailable' });
      return undefined;
    }
  };

  app.get('/media-servers', async (request, reply) => {
    const draining = await fromRegistry(request, reply, () => app.rooms.draining());
    if (draining === undefined) return reply;
    const stats = app.signaling.media?.serverStats() ?? [];
    return {
      draining: draining.value,
      servers: stats.map((stat) => ({ ...stat, isDraining: draining.value.includes(stat.server) })),
    };
  });

  app.post('/media-servers/:index/drain', async (request, reply) => {
    const server = serverOf(request, reply);
    if (server === undefined) return reply;
    const query = DrainQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ status: 'bad-request' });
    const isNow = query.data.now === '1' || query.data.now === 'true';
    // Resolves once this process applied it: the rooms counted below see the server draining.
    const stored = await fromRegistry(request, reply, () => app.rooms.setDraining(server.index, true, isNow));
    if (stored === undefined) return reply;
    const moving = isNow ? (app.signaling.media?.placement.drainNow(server.index) ?? 0) : 0;
    request.log.info({ event: 'admin-drain', janus: server.label, now: isNow }, 'operator drains');
    return { server: server.index, draining: true, moving };
  });

  app.delete('/media-servers/:index/drain', async (request, reply) => {
    const server = serverOf(request, reply);
    if (server === undefined) return reply;
    const stored = await fromRegistry(request, reply, () => app.rooms.setDraining(server.index, false));
    if (stored === undefined) return reply;
    request.log.info({ event: 'admin-undrain', janus: server.label }, 'operator undrains');
    return { server: server.index, draining: false };
  });
};

export default fp(adminPlugin, {
  name: 'admin',
  fastify: '5.x',
  decorators: { fastify: ['signaling', 'rooms'] },
});
