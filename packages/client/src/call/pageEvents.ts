/** Page events a call answers, with one cleanup that removes every listener it added. */
export type PageEventTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export function listenToPage(target: PageEventTarget, listeners: Record<string, () => void>): () => void {
  const entries = Object.entries(listeners);
  for (const [type, listener] of entries) target.addEventListener(type, listener);
  return () => {
    for (const [type, listener] of entries) target.removeEventListener(type, listener);
  };
}
