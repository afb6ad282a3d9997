import { describe, expect, it } from 'vitest';
import { parseServeMode } from './env.ts';

describe('parseServeMode', () => {
  it('is plain HTTP with nothing set', () => {
    expect(parseServeMode({})).toEqual({ isLan: false, tls: undefined, trustProxy: false });
  });

  it('LAN=1 means HTTPS with the generated certificate on the network', () => {
    expect(parseServeMode({ LAN: '1' })).toEqual({
      isLan: true,
      tls: { certFile: undefined, keyFile: undefined },
      trustProxy: false,
    });
    expect(parseServeMode({ LAN: 'true' }).isLan).toBe(true);
    expect(parseServeMode({ LAN: '0' }).tls).toBeUndefined();
    expect(parseServeMode({ LAN: '' }).tls).toBeUndefined();
  });

  it('HTTPS=1 means HTTPS without announcing LAN addresses', () => {
    expect(parseServeMode({ HTTPS: '1' })).toMatchObject({ isLan: false, tls: {} });
  });

  it('TLS_CERT with TLS_KEY turns HTTPS on with those files', () => {
    expect(parseServeMode({ TLS_CERT: '/etc/ssl/a.pem', TLS_KEY: '/etc/ssl/a.key' }).tls).toEqual({
      certFile: '/etc/ssl/a.pem',
      keyFile: '/etc/ssl/a.key',
    });
  });

  it('refuses one TLS file without the other, and unknown flag values', () => {
    expect(() => parseServeMode({ TLS_CERT: '/etc/ssl/a.pem' })).toThrow(/TLS_KEY: TLS_CERT and TLS_KEY/);
    expect(() => parseServeMode({ LAN: 'yes' })).toThrow(/LAN/);
  });

  it('reads TRUST_PROXY as all proxies or a list of proxy addresses', () => {
    expect(parseServeMode({ TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(parseServeMode({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(parseServeMode({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(parseServeMode({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(() => parseServeMode({ TRUST_PROXY: 'nginx.internal' })).toThrow(/TRUST_PROXY/);
  });
});
