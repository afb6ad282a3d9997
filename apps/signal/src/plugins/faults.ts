import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { PeerId } from '@app/protocol';

/**
 * Fault injection, so that tests exercise recovery on purpose rather than by luck.
 * Registered only when FAULT_INJECTION=1; absent (404) otherwise.
 */
const faultsPlugin: FastifyPluginAsync = async (app) => {
  app.post<{ Params: { peerId: string } }>('/test/drop/:peerId', async (request, reply) => {
    const peerId = PeerId.safeParse(request.params.peerId);
    if (!peerId.success || !app.signaling.dropPeer(peerId.data)) {
      return reply.code(404).send({ status: 'unknown-peer' });
    }
    return { status: 'dropped' };
  });
};

export default fp(faultsPlugin, { name: 'faults', fastify: '5.x', decorators: { fastify: ['signaling'] } });
