import { describe, expect, it } from 'vitest';
import { NetLab, removeStaleNamespaces } from './netlab.ts';
import { parseUdpCounters } from './udp.ts';

const SEND_50 = `
const dgram = require('node:dgram');
const receiver = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 });
receiver.on('message', () => {});
receiver.bind(0, '127.0.0.1', () => {
  const sender = dgram.createSocket('udp4');
  sender.bind(0, '127.0.0.1', () => {
    const { port } = receiver.address();
    for (let i = 0; i < 50; i++) sender.send(Buffer.alloc(1000), port, '127.0.0.1');
    setTimeout(() => { sender.close(); receiver.close(); }, 200);
  });
});
`;

const SNMP = [
  'Ip: Forwarding DefaultTTL InReceives',
  'Ip: 2 64 1234',
  'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors',
  'Udp: 56396 3 1107 70211 1107 0 0 0 0',
  'UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors',
  'UdpLite: 0 0 0 0 0 0 0 0 0',
  '',
].join('\n');

describe('parseUdpCounters', () => {
  it('reads datagrams in and receive-buffer drops by column name, not UdpLite', () => {
    expect(parseUdpCounters(SNMP)).toEqual({ received: 56396, receiveBufferDrops: 1107 });
  });

  it('says so when the text has no Udp lines', () => {
    expect(() => parseUdpCounters('Ip: Forwarding\nIp: 2\n')).toThrow(/no Udp lines/);
  });
});

describe('NetLab.udpCounters', () => {
  it('counts what a socket in the namespace received, and what overflowed its buffer', async () => {
    const prefix = 'udptest';
    removeStaleNamespaces(prefix);
    const lab = new NetLab(prefix);
    try {
      const ns = lab.namespace('one');
      const before = lab.udpCounters(ns);
      // A socket with the smallest receive buffer, and 50 datagrams of 1000 bytes sent to it
      // on the namespace's loopback in one synchronous loop (its program cannot read before
      // the loop ends): the first few fit, the rest are dropped; it reads what fitted.
      lab.exec(ns, process.execPath, ['-e', SEND_50]);
      const after = lab.udpCounters(ns);
      const received = after.received - before.received;
      const dropped = after.receiveBufferDrops - before.receiveBufferDrops;
      expect(received).toBeGreaterThan(0);
      expect(dropped).toBeGreaterThan(0);
      expect(received + dropped).toBe(50);
    } finally {
      await lab.destroy();
    }
  });
});
