import { ServerResponse } from 'node:http';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { addressKey } from '../limits/addressKey.ts';
import { SocketAdmission } from '../limits/SocketAdmission.ts';
import type { RegistryFactory, RoomRegistry } from '../rooms/RoomRegistry.ts';
import { loadMediaRooms } from '../media/load.ts';
import { isOriginAllowed } from '../signaling/origin.ts';
import { systemScheduler } from '../signaling/scheduler.ts';
import { SignalingService, type SignalingConfig } from '../signaling/SignalingService.ts';

export interface SignalingPluginOptions {
  config: SignalingConfig &
    Pick<Config, 'maxMessageBytes' | 'allowedOrigins' | 'addressMaxSockets' | 'addressNewSocketsPerMinute'>;
  createRegistry: RegistryFactory;
}

declare module 'fastify' {
  interface FastifyInstance {
    rooms: RoomRegistry;
    signaling: SignalingService;
  }
}

// Keeps an 'error' listener on every socket, also one refused during shutdown, without
// referencing anything request-scoped: ws closes the socket itself after an error.
function ignoreSocketError(): void {}

/**
 * The signaling WebSocket at `/ws` (the protocol README, packages/protocol/README.md, has
 * its messages). Decorates `rooms` and `signaling`.
 */
const signalingPlugin: FastifyPluginAsync<SignalingPluginOptions> = async (
  app,
  { config, createRegistry },
) => {
  const service = new SignalingService(
    config,
    createRegistry,
    app.metrics,
    app.log,
    systemScheduler,
    await loadMediaRooms(config),
  );
  const admission = new SocketAdmission({
    maxSockets: config.addressMaxSockets,
    newPerMinute: config.addressNewSocketsPerMinute,
  });
  app.decorate('rooms', service.rooms);
  app.decorate('signaling', service);
  app.metrics.observeRooms(() => service.rooms.stats());
  const media = service.media;
  if (media) app.metrics.observeMediaServers(() => media.serverStats());
  // Start even when the store is down: /healthz reports it and clients retry.
  await service.rooms.open(2000);
  await service.media?.start();

  await app.register(fastifyWebsocket, {
    options: {
      // Without compression the cap is bytes on the wire, and a small compressed frame
      // cannot inflate into a huge one (a larger frame closes the socket with 1009).
      perMessageDeflate: false,
      maxPayload: config.maxMessageBytes,
    },
    preClose(done) {
      service.shutdown().then(
        () => app.websocketServer.close(() => done()),
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
    },
    // The service listens for socket errors itself to classify the close that follows;
    // ws closes the socket on its own, so nothing is terminated here.
    errorHandler(error, _socket, request) {
      request.log.debug({ event: 'socket-error', code: (error as { code?: unknown }).code }, 'socket error');
    },
  });

  app.get(
    '/ws',
    {
      websocket: true,
      // Cross-site WebSocket hijacking: refuse foreign pages before the upgrade.
      onRequest: async (request, reply) => {
        // `request.host` is the Host header, or X-Forwarded-Host from a proxy trusted by TRUST_PROXY.
        if (!isOriginAllowed(request.headers.origin, request.host, config.allowedOrigins)) {
          request.log.info({ event: 'origin-refused' }, 'refused WebSocket upgrade');
          return reply.code(403).send({ status: 'forbidden-origin' });
        }
        // A plain GET (no upgrade) gets 404 from the plugin and holds no socket to count.
        if (!request.ws) return;
        // `request.ip` is the peer address, or X-Forwarded-For from a proxy trusted by TRUST_PROXY.
        const admitted = admission.admit(addressKey(request.ip));
        if (!admitted.ok) {
          app.metrics.refused(admitted.limit);
          request.log.info({ event: 'address-refused', limit: admitted.limit }, 'refused WebSocket upgrade');
          if (admitted.retryAfterS !== undefined)
            void reply.header('retry-after', String(admitted.retryAfterS));
          return reply
            .code(429)
            .send({ status: 'too-many-sockets', limit: admitted.limit, max: admitted.max });
        }
        // The place is given back when the TCP connection ends, whatever became of the
        // upgrade: the count cannot drift from the sockets actually open.
        request.raw.socket.on('close', admitted.release);
      },
    },
    (socket, request) => {
      // The plugin's own 'error' listener closes over the Fastify request and reply, and the
      // upgrade's ServerResponse stays assigned to the TCP socket: together they keep the
      // request, reply, raw IncomingMessage/ServerResponse, child logger and headers alive for
      // the socket's whole life (≈ 3 KiB heap per idle peer). The service attaches its own
      // 'error' listener in accept(), which references only the connection, so the plugin's can
      // go; detaching the response lets the HTTP objects be collected once the upgrade is done.
      socket.removeAllListeners('error');
      socket.on('error', ignoreSocketError);
      const tcp = request.raw.socket;
      const response = (tcp as { _httpMessage?: unknown })._httpMessage;
      if (response instanceof ServerResponse) response.detachSocket(tcp);
      service.accept(socket, addressKey(request.ip));
    },
  );
};

export default fp(signalingPlugin, {
  name: 'signaling',
  fastify: '5.x',
  dependencies: ['metrics'],
});
