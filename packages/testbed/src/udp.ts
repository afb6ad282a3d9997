/**
 * A namespace's UDP counters, from `/proc/net/snmp` (the kernel keeps one set per network
 * namespace): how many datagrams its programs read, and how many the kernel dropped because
 * the socket they were for had a full receive buffer (its program did not read in time).
 */
export interface UdpCounters {
  /** `InDatagrams`: read by a program from its socket. */
  received: number;
  /** `RcvbufErrors`: dropped, the socket's receive buffer full. */
  receiveBufferDrops: number;
}

/** Reads the `Udp:` header and value lines of `/proc/net/snmp`'s text. */
export function parseUdpCounters(snmp: string): UdpCounters {
  const [header, values] = snmp.split('\n').filter((line) => line.startsWith('Udp: '));
  if (!header || !values) throw new Error('no Udp lines in /proc/net/snmp');
  const names = header.split(/\s+/).slice(1);
  const numbers = values.split(/\s+/).slice(1).map(Number);
  const field = (name: string): number => {
    const value = numbers[names.indexOf(name)];
    if (value === undefined || !Number.isFinite(value)) throw new Error(`no Udp ${name} in /proc/net/snmp`);
    return value;
  };
  return { received: field('InDatagrams'), receiveBufferDrops: field('RcvbufErrors') };
}
