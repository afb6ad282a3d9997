/** The page events a call listens to: `online` (recover now) and `pagehide` (leave at once). */
type PageTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export function listenToPage(
  target: PageTarget,
  handlers: { online: () => void; pagehide: () => void },
): () => void {
  const online = () => handlers.online();
  const pagehide = () => handlers.pagehide();
  target.addEventListener('online', online);
  target.addEventListener('pagehide', pagehide);
  return () => {
    target.removeEventListener('online', online);
    target.removeEventListener('pagehide', pagehide);
  };
}
