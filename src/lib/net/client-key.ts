import ipaddr from 'ipaddr.js';

/**
 * The client a per-address limit counts: one spelling per client, so that a client cannot get a
 * fresh budget by changing how its address is written or by moving within what it holds.
 * - an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is its IPv4 address;
 * - an IPv6 address counts by its /64, the smallest block a provider assigns one subscriber
 *   (RFC 6177), which holds 2^64 addresses that would each get a budget of their own;
 * - anything else (no address, not an address) is kept as it is.
 */
export const IPV6_CLIENT_PREFIX = 64;

export function clientKey(ip: string | undefined): string {
  if (ip === undefined) return 'unknown';
  // Only the colon form is parsed: the library also reads `1` or `010.1.1.1` as IPv4 addresses.
  if (!ip.includes(':') || !ipaddr.IPv6.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const bytes = address.toByteArray().slice(0, IPV6_CLIENT_PREFIX / 8);
  const network = ipaddr.fromByteArray([...bytes, ...new Array<number>(16 - bytes.length).fill(0)]);
  return `${network.toString()}/${IPV6_CLIENT_PREFIX}`;
}
