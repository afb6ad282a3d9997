import { describe, expect, it } from 'vitest';
import { fakeInterfaces } from './test-interfaces.ts';
import { isLoopbackUrl, lanAddresses, lanUrls, reachableUrls } from './network.ts';

describe('lanAddresses', () => {
  it('lists every non-internal IPv4 address, in interface order', () => {
    expect(lanAddresses(fakeInterfaces())).toEqual(['192.168.1.23', '172.17.0.1', '10.8.0.6']);
  });

  it('lists an address shared by two interfaces once', () => {
    const table = fakeInterfaces();
    table.wlan1 = table.wlan0;
    expect(lanAddresses(table)).toEqual(['192.168.1.23', '172.17.0.1', '10.8.0.6']);
  });

  it('is empty on a machine with loopback only', () => {
    expect(lanAddresses({ lo: fakeInterfaces().lo })).toEqual([]);
  });
});

describe('lanUrls', () => {
  it('builds one URL per address with the given protocol and port', () => {
    expect(lanUrls(5173, 'https', fakeInterfaces())).toEqual([
      'https://192.168.1.23:5173/',
      'https://172.17.0.1:5173/',
      'https://10.8.0.6:5173/',
    ]);
    expect(lanUrls(3000, 'http', { eth0: fakeInterfaces().docker0 })).toEqual(['http://172.17.0.1:3000/']);
  });
});

describe('reachableUrls', () => {
  it('lists localhost and every LAN address for a server on all interfaces', () => {
    expect(reachableUrls('0.0.0.0', 3000, 'https', fakeInterfaces())).toEqual([
      'https://localhost:3000/',
      'https://192.168.1.23:3000/',
      'https://172.17.0.1:3000/',
      'https://10.8.0.6:3000/',
    ]);
    expect(reachableUrls('::', 3000, 'https', fakeInterfaces())).toHaveLength(4);
  });

  it('lists only the address a server is bound to', () => {
    expect(reachableUrls('127.0.0.1', 3000, 'https', fakeInterfaces())).toEqual(['https://127.0.0.1:3000/']);
    expect(reachableUrls('::1', 3000, 'http', fakeInterfaces())).toEqual(['http://[::1]:3000/']);
  });
});

describe('isLoopbackUrl', () => {
  it('tells addresses of this machine only from network addresses', () => {
    expect(isLoopbackUrl('https://localhost:5173/')).toBe(true);
    expect(isLoopbackUrl('http://127.0.0.1:3000/')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:3000/')).toBe(true);
    expect(isLoopbackUrl('https://192.168.1.23:5173/')).toBe(false);
    expect(isLoopbackUrl('not a url')).toBe(false);
  });
});
