import ipaddr from 'ipaddr.js';

/** Bits of an IPv6 address that name one subscriber: a home or an office gets a whole /64. */
const IPV6_SUBSCRIBER_BITS = 64;

/**
 * The key per-address limits count by, from the client address Fastify reports (`request.ip`,
 * which follows TRUST_PROXY): an IPv4 address as it is (also when written IPv4-mapped,
 * `::ffff:a.b.c.d`), and an IPv6 address by its /64, since one machine can use any address
 * of its /64 and would otherwise escape every limit by changing address. Something that is
 * not an address (no socket address at all) is its own key.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, IPV6_SUBSCRIBER_BITS / 16);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/${IPV6_SUBSCRIBER_BITS}`;
}
