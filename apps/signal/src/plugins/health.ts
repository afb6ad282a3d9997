import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Liveness for load balancers: `{ "status": "ok" }`, or 503 while the room store is unreachable. */
const healthPlugin: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async (_request, reply) => {
    if (!app.rooms.isHealthy()) return reply.code(503).send({ status: 'unavailable' });
    return { status: 'ok' };
  });
};

export default fp(healthPlugin, { name: 'health', fastify: '5.x', decorators: { fastify: ['rooms'] } });
