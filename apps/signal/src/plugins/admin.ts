import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';

export interface AdminPluginOptions {
  /** The operator's bearer token (ADMIN_TOKEN). */
  token: string;
}

const ServerParams = z.object({ index: z.coerce.number().int().min(0) });
const DrainQuery = z.object({ now: z.enum(['0', '1', 'true', 'false']).optional() });

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The operator's routes, behind `Authorization: Bearer <ADMIN_TOKEN>`. Both sides are hashed
 * before the constant-time compare, so neither the token's content nor its length shows in
 * how long a refusal takes.
 *
 * - `GET /admin/media-servers`: each media server by index: up, draining, what it carries.
 * - `POST /admin/media-servers/:index/drain[?now=1]`: it takes no new rooms; its rooms move
 *   when they next grow or shrink, or at once with `now`.
 * - `DELETE /admin/media-servers/:index/drain`: it takes new rooms again.
 *
 * Draining is this process's view: behind a load balancer, ask every process.
 */
const adminPlugin: FastifyPluginAsync<AdminPluginOptions> = async (app, { token }) => {
  const expected = digest(`Bearer ${token}`);
  const isAllowed = (request: FastifyRequest): boolean =>
    timingSafeEqual(digest(request.headers.authorization ?? ''), expected);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/admin/')) return;
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

  app.get('/admin/media-servers', async () => ({ servers: app.signaling.media?.serverStats() ?? [] }));

  app.post('/admin/media-servers/:index/drain', async (request, reply) => {
    const server = serverOf(request, reply);
    if (server === undefined) return reply;
    const query = DrainQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ status: 'bad-request' });
    server.isDraining = true;
    const isNow = query.data.now === '1' || query.data.now === 'true';
    const moving = isNow ? (app.signaling.media?.placement.drainNow(server.index) ?? 0) : 0;
    request.log.info({ event: 'media-server-draining', janus: server.label, now: isNow }, 'draining');
    return { server: server.index, draining: true, moving };
  });

  app.delete('/admin/media-servers/:index/drain', async (request, reply) => {
    const server = serverOf(request, reply);
    if (server === undefined) return reply;
    server.isDraining = false;
    request.log.info({ event: 'media-server-undrained', janus: server.label }, 'takes new rooms again');
    return { server: server.index, draining: false };
  });
};

export default fp(adminPlugin, { name: 'admin', fastify: '5.x', decorators: { fastify: ['signaling'] } });
