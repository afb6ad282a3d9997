import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface WebPluginOptions {
  /** The built web app (apps/web/dist); must exist. */
  root: string;
}

/** Files under assets/ carry a hash of their content in their name: they never change. */
const FINGERPRINTED = 'public, max-age=31536000, immutable';
/**
 * Everything else keeps its name from one version to the next (index.html, the service worker
 * sw.js, the manifest, the icons): the browser asks again each time (a 304 when unchanged), so a
 * new version is seen on the next visit and the service worker's update check is never stale.
 */
const REVALIDATED = 'no-cache';

/**
 * Serves the built web app in production, so that one process serves the page and `/ws`
 * from one origin: its files at `/`, and its index.html for every room link `/r/<room>`
 * so the client-side router takes over.
 */
const webPlugin: FastifyPluginAsync<WebPluginOptions> = async (app, options) => {
  const assets = path.join(path.resolve(options.root), 'assets') + path.sep;
  await app.register(fastifyStatic, {
    root: options.root,
    index: 'index.html',
    wildcard: true,
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      reply.header('cache-control', filePath.startsWith(assets) ? FINGERPRINTED : REVALIDATED);
    },
  });
  app.get('/r/:room', (_request, reply) => reply.sendFile('index.html'));
  app.get('/r/:room/', (_request, reply) => reply.sendFile('index.html'));
};

export default fp(webPlugin, { name: 'web', fastify: '5.x' });
