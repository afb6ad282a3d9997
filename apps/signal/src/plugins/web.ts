import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface WebPluginOptions {
  /** The built web app (apps/web/dist); must exist. */
  root: string;
}

/**
 * Serves the built web app in production, so that one process serves the page and `/ws`
 * from one origin: its files at `/`, and its index.html for every room link `/r/<room>`
 * so the client-side router takes over.
 */
const webPlugin: FastifyPluginAsync<WebPluginOptions> = async (app, options) => {
  await app.register(fastifyStatic, { root: options.root, index: 'index.html', wildcard: true });
  app.get('/r/:room', (_request, reply) => reply.sendFile('index.html'));
  app.get('/r/:room/', (_request, reply) => reply.sendFile('index.html'));
};

export default fp(webPlugin, { name: 'web', fastify: '5.x' });
