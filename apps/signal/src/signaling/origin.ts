/** Browsers' dev servers (Vite) that may open `/ws` when `ALLOWED_ORIGINS` is not set. */
export const DEV_ORIGINS: readonly string[] = ['http://localhost:5173', 'http://127.0.0.1:5173'];

function normalize(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

/**
 * Whether a WebSocket upgrade may proceed: a page on another site must not be able to open
 * `/ws` with the visitor's browser (cross-site WebSocket hijacking).
 * No `Origin` header means a non-browser client, which cannot be driven by a hostile page,
 * so it is allowed. The page's own origin (same host as the request) is always allowed;
 * `allowed` lists the others, `*` allowing any.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*')) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  if (host !== undefined && originHost.toLowerCase() === host.toLowerCase()) return true;
  const wanted = normalize(origin);
  return allowed.some((entry) => normalize(entry) === wanted);
}
