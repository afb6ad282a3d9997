import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CERTIFICATE_FILE, ensureCertificate } from './certificate.ts';
import { fakeInterfaces } from './test-interfaces.ts';
import { loadTls, readTlsFiles } from './tls.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lan-cert-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ensureCertificate', () => {
  it('generates a certificate for localhost, 127.0.0.1 and every LAN address, valid for about a year', async () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const result = await ensureCertificate(dir, { interfaces: fakeInterfaces(), now: () => now });
    expect(result.isNew).toBe(true);

    const certificate = new X509Certificate(result.cert);
    const altNames = certificate.subjectAltName?.split(', ') ?? [];
    expect(altNames).toEqual(
      expect.arrayContaining([
        'DNS:localhost',
        'IP Address:127.0.0.1',
        'IP Address:192.168.1.23',
        'IP Address:172.17.0.1',
        'IP Address:10.8.0.6',
      ]),
    );
    expect(certificate.checkIP('192.168.1.23')).toBe('192.168.1.23');
    expect(certificate.checkIP('192.168.1.99')).toBeUndefined();
    expect(certificate.checkHost('localhost')).toBe('localhost');

    const validFrom = new Date(certificate.validFrom).getTime();
    const validTo = new Date(certificate.validTo).getTime();
    expect(validFrom).toBeLessThanOrEqual(now.getTime());
    expect(validTo - now.getTime()).toBeGreaterThan(360 * DAY_MS);
    expect(validTo - now.getTime()).toBeLessThan(370 * DAY_MS);
    expect(certificate.ca).toBe(false);
    expect(certificate.issuer).toBe(certificate.subject);
  });

  it('stores a key that belongs to the certificate, readable by its owner only', async () => {
    const result = await ensureCertificate(dir, { interfaces: fakeInterfaces() });
    const key = createPrivateKey(result.key);
    const certificate = new X509Certificate(result.cert);
    expect(certificate.checkPrivateKey(key)).toBe(true);
    expect(createPublicKey(key).export({ format: 'pem', type: 'spki' })).toBe(
      certificate.publicKey.export({ format: 'pem', type: 'spki' }),
    );
    expect(result.file).toBe(path.join(dir, CERTIFICATE_FILE));
    const stored = await readFile(result.file, 'utf8');
    expect(stored).toContain(result.key.trim());
    expect(stored).toContain(result.cert.trim());
    expect((await stat(result.file)).mode & 0o077).toBe(0);
  });

  it('reuses the stored certificate on the next start', async () => {
    const first = await ensureCertificate(dir, { interfaces: fakeInterfaces() });
    const second = await ensureCertificate(dir, { interfaces: fakeInterfaces() });
    expect(second.isNew).toBe(false);
    expect(second.cert).toBe(first.cert);
    expect(second.key).toBe(first.key);
  });

  it('replaces it when the machine has an address the certificate does not cover', async () => {
    const first = await ensureCertificate(dir, { interfaces: fakeInterfaces() });
    const table = fakeInterfaces();
    table.eth1 = [{ ...table.docker0![0]!, address: '192.168.50.7', cidr: '192.168.50.7/24' }];
    const second = await ensureCertificate(dir, { interfaces: table });
    expect(second.isNew).toBe(true);
    expect(second.cert).not.toBe(first.cert);
    expect(new X509Certificate(second.cert).checkIP('192.168.50.7')).toBe('192.168.50.7');
  });

  it('replaces it a month before it expires', async () => {
    const first = await ensureCertificate(dir, { interfaces: fakeInterfaces() });
    const later = new Date(Date.now() + 340 * DAY_MS);
    const second = await ensureCertificate(dir, { interfaces: fakeInterfaces(), now: () => later });
    expect(second.isNew).toBe(true);
    expect(second.cert).not.toBe(first.cert);
  });

  it('replaces a damaged file', async () => {
    await writeFile(path.join(dir, CERTIFICATE_FILE), 'not a certificate');
    const result = await ensureCertificate(dir, { interfaces: fakeInterfaces() });
    expect(result.isNew).toBe(true);
    expect(new X509Certificate(result.cert).checkPrivateKey(createPrivateKey(result.key))).toBe(true);
  });
});

describe('TLS files', () => {
  it('reads a certificate and key from files and refuses a key of another certificate', async () => {
    const a = await ensureCertificate(path.join(dir, 'a'), { interfaces: {} });
    const b = await ensureCertificate(path.join(dir, 'b'), { interfaces: {} });
    await writeFile(path.join(dir, 'cert.pem'), a.cert);
    await writeFile(path.join(dir, 'key.pem'), a.key);
    await writeFile(path.join(dir, 'other-key.pem'), b.key);

    const pair = await loadTls({ certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'key.pem') });
    expect(pair).toEqual({ cert: a.cert, key: a.key, isSelfSigned: false });
    await expect(readTlsFiles(path.join(dir, 'cert.pem'), path.join(dir, 'other-key.pem'))).rejects.toThrow(
      /not the private key/,
    );
    await expect(loadTls({ certFile: path.join(dir, 'cert.pem') })).rejects.toThrow(/together/);
  });

  it('falls back to the generated certificate when no files are given', async () => {
    const pair = await loadTls({ certificateDir: dir });
    expect(pair.isSelfSigned).toBe(true);
    expect(new X509Certificate(pair.cert).checkHost('localhost')).toBe('localhost');
  });
});
