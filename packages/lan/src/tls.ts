import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureCertificate, type TlsPair } from './certificate.ts';

/**
 * The repository root (the folder holding pnpm-workspace.yaml) at or above `start`, so that the
 * dev server (run from apps/web) and the production server (run from the root) share one
 * `.certs/` folder and one certificate. Falls back to `start`.
 */
export function findWorkspaceRoot(start: string = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

/** `<repo root>/.certs`, where the generated certificate is kept (gitignored). */
export function defaultCertificateDir(start?: string): string {
  return path.join(findWorkspaceRoot(start), '.certs');
}

/**
 * Reads a certificate and its key from PEM files (TLS_CERT / TLS_KEY), failing early with a
 * readable message rather than at the first TLS handshake. The certificate file may hold a chain.
 */
export async function readTlsFiles(certFile: string, keyFile: string): Promise<TlsPair> {
  // One after the other, so a missing pair is reported by the first file, every time.
  const cert = await readPem('TLS_CERT', certFile);
  const key = await readPem('TLS_KEY', keyFile);
  let matches: boolean;
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch (error) {
    throw new Error(
      `${certFile} / ${keyFile}: not a PEM certificate and private key (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  if (!matches) throw new Error(`${keyFile} is not the private key of the certificate in ${certFile}`);
  return { cert, key };
}

export interface TlsSource {
  /** PEM certificate file (TLS_CERT); with `keyFile`, used instead of a generated certificate. */
  certFile?: string | undefined;
  /** PEM private key file (TLS_KEY). */
  keyFile?: string | undefined;
  /** Where a generated certificate is kept; `<repo root>/.certs` by default. */
  certificateDir?: string | undefined;
}

/**
 * The certificate to serve HTTPS with: the given files when both are set, otherwise the
 * generated self-signed one. One file without the other is a configuration mistake, not a
 * reason to fall back silently.
 */
export async function loadTls(source: TlsSource = {}): Promise<TlsPair & { isSelfSigned: boolean }> {
  if (source.certFile && source.keyFile) {
    return { ...(await readTlsFiles(source.certFile, source.keyFile)), isSelfSigned: false };
  }
  if (source.certFile || source.keyFile) throw new Error('TLS_CERT and TLS_KEY must be set together');
  const { key, cert } = await ensureCertificate(source.certificateDir ?? defaultCertificateDir());
  return { key, cert, isSelfSigned: true };
}

async function readPem(variable: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause: error,
      },
    );
  }
}
