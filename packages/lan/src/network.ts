import os from 'node:os';

/** The shape of `os.networkInterfaces()`, passed in so tests can describe any network. */
export type InterfaceTable = NodeJS.Dict<os.NetworkInterfaceInfo[]>;

/**
 * Every IPv4 address another device on the network could reach this machine at.
 * IPv6 is left out: link-local v6 addresses need a zone id (`%eth0`) that phones cannot type
 * or scan, and a LAN without IPv4 is rare enough not to be worth a second list.
 */
export function lanAddresses(interfaces: InterfaceTable = os.networkInterfaces()): string[] {
  const addresses = new Set<string>();
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      // Node 18.0-18.3 reported `family` as the number 4; later versions as 'IPv4'.
      const isIPv4 = entry.family === 'IPv4' || (entry.family as unknown) === 4;
      if (isIPv4 && !entry.internal) addresses.add(entry.address);
    }
  }
  return [...addresses];
}

/** One URL per LAN address, e.g. `https://192.168.1.20:5173/`. */
export function lanUrls(
  port: number,
  protocol: 'http' | 'https',
  interfaces: InterfaceTable = os.networkInterfaces(),
): string[] {
  return lanAddresses(interfaces).map((address) => `${protocol}://${address}:${port}/`);
}

/** Addresses that mean "every interface" to `listen()`. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '::0']);

/**
 * The URLs people can open for a server listening on `host:port`: every LAN address when it
 * listens on all interfaces, otherwise just its own address.
 */
export function reachableUrls(
  host: string,
  port: number,
  protocol: 'http' | 'https',
  interfaces: InterfaceTable = os.networkInterfaces(),
): string[] {
  if (WILDCARD_HOSTS.has(host)) {
    return [`${protocol}://localhost:${port}/`, ...lanUrls(port, protocol, interfaces)];
  }
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return [`${protocol}://${shown}:${port}/`];
}

/** True for URLs only this machine can open (a QR code of them is useless on a phone). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}
