/**
 * Panels, popovers and dialogs that Escape closes (the QR code, settings, stats, the "send to
 * whom?" chooser): the newest one first, one per key press. Focus goes back to the control
 * that opened it, so a keyboard or screen-reader user never ends up on <body> when the
 * element they were on disappears with the panel.
 */
interface Layer {
  close: () => void;
  opener: HTMLElement | null;
}

const layers: Layer[] = [];

function focusOpener(layer: Layer): void {
  if (layer.opener?.isConnected) layer.opener.focus();
}

/** Focus is lost once the focused element left the page (the browser then reports <body>). */
function isFocusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || !active.isConnected;
}

function onKeydown(event: KeyboardEvent): void {
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  const layer = layers.at(-1);
  if (!layer) return;
  event.preventDefault();
  layer.close();
  // After the panel has gone from the page (Svelte updates the DOM in a microtask).
  queueMicrotask(() => focusOpener(layer));
}

/**
 * A layer opened: Escape will call `close`. The opener is the control focused now (the one
 * that was pressed) unless given. Call the returned function when the layer closes, however
 * it closed: if focus went with it, it returns to the opener.
 */
export function openLayer(close: () => void, opener?: HTMLElement | null): () => void {
  const active = document.activeElement;
  const layer: Layer = {
    close,
    opener: opener ?? (active instanceof HTMLElement && active !== document.body ? active : null),
  };
  if (layers.length === 0) window.addEventListener('keydown', onKeydown);
  layers.push(layer);
  return () => {
    const index = layers.indexOf(layer);
    if (index === -1) return;
    layers.splice(index, 1);
    if (layers.length === 0) window.removeEventListener('keydown', onKeydown);
    queueMicrotask(() => {
      if (isFocusLost()) focusOpener(layer);
    });
  };
}
