import type { NetworkInterfaceInfo } from 'node:os';
import type { InterfaceTable } from './network.ts';

/** A network interface table like a laptop with Wi-Fi, Docker and a VPN would report. */
export function fakeInterfaces(): InterfaceTable {
  const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
    address,
    netmask: '255.255.255.0',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: `${address}/24`,
  });
  const v6 = (address: string, internal = false): NetworkInterfaceInfo => ({
    address,
    netmask: 'ffff:ffff:ffff:ffff::',
    family: 'IPv6',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: `${address}/64`,
    scopeid: 0,
  });
  return {
    lo: [v4('127.0.0.1', true), v6('::1', true)],
    wlan0: [v4('192.168.1.23'), v6('fe80::1c2d:3e4f:5a6b:7c8d')],
    docker0: [v4('172.17.0.1')],
    tun0: [v4('10.8.0.6')],
    down0: undefined,
  };
}
