/**
 * A short code two people can read to each other to check that nobody sits in the middle
 * of their call: both browsers hash the same two DTLS fingerprints (their own and the
 * other's, from the SDPs), sorted so that both sides hash the same bytes. A relay that
 * terminated DTLS would present a different certificate to each side, so the codes differ.
 */
import { dtlsFingerprint } from './sdp.ts';

export async function verificationCode(
  localSdp: string | undefined | null,
  remoteSdp: string | undefined | null,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<string | null> {
  const local = dtlsFingerprint(localSdp);
  const remote = dtlsFingerprint(remoteSdp);
  if (!local || !remote) return null;
  const input = new TextEncoder().encode([local, remote].sort().join('\n'));
  const digest = new Uint8Array(await subtle.digest('SHA-256', input));
  // 32 bits of the digest, shown as 6 digits in two groups: easy to read aloud.
  const value =
    (((digest[0] ?? 0) << 24) | ((digest[1] ?? 0) << 16) | ((digest[2] ?? 0) << 8) | (digest[3] ?? 0)) >>> 0;
  const digits = String(value % 1_000_000).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
