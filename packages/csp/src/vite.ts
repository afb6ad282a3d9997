/**
 * The production Content-Security-Policy on the Vite dev server (`pnpm dev`), so a page that
 * breaks it fails during development. Dev needs one thing more: Vite's client injects every
 * stylesheet as a <style> tag (and its error overlay has one), which the policy allows by a
 * nonce that Vite writes on each of them (`html.cspNonce`). Its HMR socket is on the page's
 * own host, which the policy's ws:/wss: sources already cover.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { pagePolicy, serializePolicy } from './index.ts';

export function contentSecurityPolicyDevServer(): Plugin {
  // One per dev-server start: Vite writes the same nonce into every page it serves.
  const styleNonce = randomBytes(16).toString('base64');
  let isTls = false;
  const setHeaders = (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const policy = pagePolicy({ host: request.headers.host, isTls, styleNonce });
    response.setHeader('Content-Security-Policy', serializePolicy(policy));
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
  return {
    name: 'app-csp-dev-server',
    apply: 'serve',
    config: () => ({ html: { cspNonce: styleNonce } }),
    configResolved(config) {
      isTls = Boolean(config.server.https);
    },
    configureServer(server) {
      server.middlewares.use(setHeaders);
    },
  };
}
