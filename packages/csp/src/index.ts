/**
 * The web app's Content-Security-Policy, defined once: the production server sends it with
 * every answer (apps/signal, through @fastify/helmet) and the Vite dev server sends the same
 * list with what its client needs, so a page that breaks the policy fails in development
 * first. The directives name the web's own terms; each source is here for a reason given
 * beside it, and anything not listed falls back to `default-src 'self'`.
 */

/** Directive name -> its sources, as CSP writes them (quoted keywords, schemes, origins). */
export type Directives = Readonly<Record<string, readonly string[]>>;

export const PAGE_DIRECTIVES = {
  'default-src': ["'self'"],
  // The build emits module scripts from /assets only: no inline script, no eval, no handler
  // attributes (Svelte attaches listeners from code).
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  // No 'unsafe-inline' and no hashes: the build writes no <style> tag and no style attribute
  // (Svelte moves component styles into CSS files), and `style:` directives set
  // element.style from script, which CSP does not govern.
  'style-src': ["'self'"],
  // A photo is shown from a blob: URL, the room's QR code is a data: URL of an SVG.
  'img-src': ["'self'", 'blob:', 'data:'],
  // Camera and screen play from a MediaStream (no URL at all); a received file opened in the
  // page would be a blob: URL.
  'media-src': ["'self'", 'blob:'],
  // The signaling socket: `webSocketSources` adds its ws:/wss: origin, which 'self' does not
  // cover in every browser. blob: because the chat history reads a photo back from its object
  // URL with fetch(); object URLs are made by this page's own scripts only.
  'connect-src': ["'self'", 'blob:'],
  // The service worker (sw.js) and the web app manifest.
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  // Nothing may re-root relative URLs, post a form elsewhere, or frame the call (clickjacking
  // a page that holds a camera).
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const satisfies Directives;

/** A Host header as browsers send it: a name or IPv4 address, or a bracketed IPv6 one, and a port. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

/**
 * The WebSocket origins of the page's own host, for `connect-src`: both schemes, since
 * behind a TLS proxy the server sees HTTP while the page opens wss:. Nothing when the host
 * does not look like one, so a forged Host header cannot add a source.
 */
export function webSocketSources(host: string | undefined): string[] {
  if (host === undefined || !HOST.test(host)) return [];
  const lower = host.toLowerCase();
  return [`ws://${lower}`, `wss://${lower}`];
}

export interface PolicyOptions {
  /** The host the page was asked for (Host header): the signaling socket's origin. */
  host?: string | undefined;
  /** Served over TLS: also ask the browser to upgrade any http: URL it meets. */
  isTls?: boolean;
  /**
   * A nonce for the <style> tags that Vite's dev client injects (dev only: the build has
   * none). Vite reads it from `html.cspNonce`.
   */
  styleNonce?: string | undefined;
}

/** The whole policy for one page load. */
export function pagePolicy({ host, isTls = false, styleNonce }: PolicyOptions = {}): Directives {
  const directives: Record<string, readonly string[]> = {
    ...PAGE_DIRECTIVES,
    'connect-src': [...PAGE_DIRECTIVES['connect-src'], ...webSocketSources(host)],
  };
  if (styleNonce !== undefined) {
    directives['style-src'] = [...PAGE_DIRECTIVES['style-src'], `'nonce-${styleNonce}'`];
  }
  // Over plain HTTP (a LAN address, localhost) an upgrade would point every asset at an
  // HTTPS port that does not exist.
  if (isTls) directives['upgrade-insecure-requests'] = [];
  return directives;
}

/** The header value: `name source source; name source`. */
export function serializePolicy(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}
