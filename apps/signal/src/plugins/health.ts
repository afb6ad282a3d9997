import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Liveness for load balancers: `{ "status": "ok" }`, or 503 while the room store is
 * unreachable. With media servers, `mediaServersDown` lists the indexes (in JANUS_URLS) of
 * those down; while none is up the status is `degraded`, still 200: rooms then stay meshes,
 * which every process serves as well as any other.
 */
const healthPlugin: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async (_request, reply) => {
    if (!app.rooms.isHealthy()) return reply.code(503).send({ status: 'unavailable' });
    const servers = app.signaling.media?.serverStats();
    if (servers === undefined) return { status: 'ok' };
    const down = servers.filter((server) => !server.isUp).map((server) => server.server);
    return {
      status: down.length < servers.length ? 'ok' : 'degraded',
      ...(down.length > 0 ? { mediaServersDown: down } : {}),
    };
  });
};

export default fp(healthPlugin, {
  name: 'health',
  fastify: '5.x',
  decorators: { fastify: ['rooms', 'signaling'] },
});
