import type { IncomingMessage } from 'node:http';
import { pagePolicy } from '@app/csp';
import helmet from '@fastify/helmet';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface SecurityPluginOptions {
  /** This process speaks TLS itself (LAN=1, HTTPS=1, TLS_CERT/TLS_KEY). */
  isTls: boolean;
}

/** A year: the usual HSTS lifetime, renewed by every answer. */
const HSTS_MAX_AGE_S = 365 * 24 * 60 * 60;

/**
 * The host each request was made to, as Fastify reads it (the Host header, or X-Forwarded-Host
 * from a proxy trusted by TRUST_PROXY): helmet's directive functions see only the raw request.
 */
const requestHosts = new WeakMap<IncomingMessage, string>();

/**
 * Security headers on every answer, from the page and its assets to `/healthz`, `/metrics`
 * and a refused WebSocket upgrade: the web app's Content-Security-Policy (packages/csp, the
 * same list the dev server sends), `nosniff`, `no-referrer` (room names are in the URLs),
 * no framing, and HSTS when this process serves TLS. Behind a TLS-terminating proxy the
 * proxy owns HSTS.
 */
const securityPlugin: FastifyPluginAsync<SecurityPluginOptions> = async (app, { isTls }) => {
  app.addHook('onRequest', async (request) => {
    requestHosts.set(request.raw, request.host);
  });
  const policy = pagePolicy({ isTls });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...policy,
        // The one directive that depends on the request: the socket's ws:/wss: origin.
        'connect-src': [
          (request: IncomingMessage) =>
            (pagePolicy({ host: requestHosts.get(request), isTls })['connect-src'] ?? []).join(' '),
        ],
      },
    },
    strictTransportSecurity: isTls ? { maxAge: HSTS_MAX_AGE_S, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
    // For browsers older than frame-ancestors.
    xFrameOptions: { action: 'deny' },
    // The page embeds nothing cross-origin; requiring CORP of it would gain nothing.
    crossOriginEmbedderPolicy: false,
  });
};

export default fp(securityPlugin, { name: 'security', fastify: '5.x' });
