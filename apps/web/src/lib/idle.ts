/**
 * Runs `work` when the browser has nothing better to do (within `timeoutMs` at the latest), so
 * that work done ahead of time never competes with what the person is doing. Returns a cancel.
 */
export function whenIdle(work: () => void, timeoutMs = 2000): () => void {
  if ('requestIdleCallback' in window) {
    const id = requestIdleCallback(() => work(), { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(work, 200);
  return () => clearTimeout(id);
}
