import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lanAddresses, type InterfaceTable } from './network.ts';

/** A PEM private key and the PEM certificate it belongs to, as `https.createServer` takes them. */
export interface TlsPair {
  key: string;
  cert: string;
}

export interface EnsuredCertificate extends TlsPair {
  /** The combined PEM file (key, then certificate) in the certificate directory. */
  file: string;
  /** True when this call generated the certificate, false when a stored one was reused. */
  isNew: boolean;
  /** Host names and IP addresses the certificate is valid for. */
  names: string[];
}

export interface CertificateOptions {
  /** The network interfaces whose IPv4 addresses the certificate must cover. */
  interfaces?: InterfaceTable;
  now?: () => Date;
  /** Lifetime of a newly generated certificate. */
  validDays?: number;
  /** A stored certificate with fewer days left than this is replaced. */
  renewDays?: number;
}

export const CERTIFICATE_FILE = 'lan.pem';
const LOOPBACK_NAMES = ['localhost', '127.0.0.1'];
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Returns a self-signed certificate for localhost, 127.0.0.1 and every LAN IPv4 address,
 * generating it on first use and reusing it afterwards, so that a phone which accepted the
 * certificate once keeps trusting it. A stored certificate is replaced when it no longer covers
 * an address (the machine joined another network), is about to expire, or does not match its key.
 *
 * Key and certificate live in ONE file written by rename: the dev web server and the signaling
 * server may start at the same moment, and two separate files could end up from different runs.
 */
export async function ensureCertificate(
  dir: string,
  options: CertificateOptions = {},
): Promise<EnsuredCertificate> {
  const now = (options.now ?? (() => new Date()))();
  const names = [...LOOPBACK_NAMES, ...lanAddresses(options.interfaces)];
  const file = path.join(dir, CERTIFICATE_FILE);

  const stored = await readPair(file);
  if (stored && isUsable(stored, names, now, options.renewDays ?? 30)) {
    return { ...stored, file, isNew: false, names };
  }

  const pair = await generatePair(names, now, options.validDays ?? 365);
  await mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, pair.key + pair.cert, { mode: 0o600 });
  await rename(temporary, file);
  return { ...pair, file, isNew: true, names };
}

async function generatePair(names: string[], now: Date, validDays: number): Promise<TlsPair> {
  const isIp = (name: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(name);
  // Loaded only to make a certificate (with its X.509 and ASN.1 libraries, several MB of
  // memory): a server over plain HTTP, or one reusing a stored certificate, never loads it.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000), // a phone whose clock runs a little behind
    notAfterDate: new Date(now.getTime() + validDays * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((name) => (isIp(name) ? { type: 7, ip: name } : { type: 2, value: name })),
      },
    ],
  });
  return { key: `${pems.private.trim()}\n`, cert: `${pems.cert.trim()}\n` };
}

async function readPair(file: string): Promise<TlsPair | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return splitPem(text);
}

/** Splits a combined PEM file into its private key and its (first) certificate. */
export function splitPem(text: string): TlsPair | undefined {
  const key = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/.exec(text)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  return key && cert ? { key: `${key}\n`, cert: `${cert}\n` } : undefined;
}

function isUsable(pair: TlsPair, names: string[], now: Date, renewDays: number): boolean {
  try {
    const certificate = new X509Certificate(pair.cert);
    if (!certificate.checkPrivateKey(createPrivateKey(pair.key))) return false;
    if (new Date(certificate.validFrom) > now) return false;
    if (new Date(certificate.validTo).getTime() - now.getTime() < renewDays * DAY_MS) return false;
    return names.every((name) =>
      /^[\d.]+$/.test(name)
        ? certificate.checkIP(name) !== undefined
        : certificate.checkHost(name) !== undefined,
    );
  } catch {
    return false;
  }
}
