/**
 * Long enough for the browser to have resolved the object URL and started its download
 * (Firefox aborts downloads whose blob URL is revoked in the same task as the click).
 */
const REVOKE_AFTER_MS = 60_000;

/**
 * Offers a verified file as a normal browser download: no save dialog, works headless.
 * Returns a function that revokes the object URL now (the caller's `close()`); it is
 * revoked on its own after a minute otherwise.
 */
export function offerDownload(file: Blob, name: string, doc: Document = document): () => void {
  const url = URL.createObjectURL(file);
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  let isRevoked = false;
  const revoke = () => {
    if (isRevoked) return;
    isRevoked = true;
    clearTimeout(timer);
    URL.revokeObjectURL(url);
  };
  const timer = setTimeout(revoke, REVOKE_AFTER_MS);
  return revoke;
}
