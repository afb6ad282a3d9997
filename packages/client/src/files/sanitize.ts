/** Longest name we save, in characters: most file systems allow 255 bytes. */
export const SAFE_NAME_MAX_CHARS = 120;

/**
 * Makes a name from another peer safe to show and to save: the browser's download code
 * sanitises too, but OPFS and our own UI must not see path tricks, control characters or
 * bidi overrides (`invoice‮fdp.exe` reading as `invoiceexe.pdf`).
 */
export function sanitizeFileName(raw: string, fallback = 'file'): string {
  let name = raw
    .normalize('NFC')
    // Keep only the last path segment, whichever separator the sender's OS uses.
    .split(/[/\\]/)
    .pop()!
    // Control characters, bidi controls and characters Windows forbids in names.
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"|?*]/g, '')
    .trim()
    // A leading dot would hide the file; trailing dots and spaces are dropped by Windows.
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (name.length > SAFE_NAME_MAX_CHARS) name = shorten(name, SAFE_NAME_MAX_CHARS);
  return name.length > 0 ? name : fallback;
}

/** Cuts a long name in the middle of its stem so the extension survives. */
function shorten(name: string, max: number): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const chars = Array.from(name.slice(0, name.length - extension.length));
  return chars.slice(0, max - extension.length).join('') + extension;
}
