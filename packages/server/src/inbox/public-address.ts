/**
 * @module inbox/public-address
 * Which IP addresses count as public for callbacks when the inbox has no `callbackUrls`
 * allowlist (SSRF guard). IPv4: everything but the special-purpose ranges an agent could use
 * to reach the inbox's own network (loopback, RFC 1918, CGNAT, link-local, "this network",
 * documentation, benchmarking, multicast, reserved, broadcast). IPv6: only global unicast
 * (`2000::/3`), minus documentation, 6to4, Teredo and the other IETF assignments; so
 * loopback, unspecified, unique-local, link-local, multicast, IPv4-mapped and NAT64
 * addresses are all refused.
 */
import { BlockList, isIP } from "node:net";

const NOT_PUBLIC_V4: ReadonlyArray<[string, number]> = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8], // private (RFC 1918)
  ["100.64.0.0", 10], // carrier-grade NAT (RFC 6598)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata services)
  ["172.16.0.0", 12], // private (RFC 1918)
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation (TEST-NET-1)
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private (RFC 1918)
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation (TEST-NET-2)
  ["203.0.113.0", 24], // documentation (TEST-NET-3)
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and 255.255.255.255 broadcast
];

const NOT_PUBLIC_V6: ReadonlyArray<[string, number]> = [
  // Everything outside global unicast 2000::/3: ::, ::1, ::ffff:0:0/96 (IPv4-mapped),
  // 64:ff9b::/96 (NAT64), fc00::/7 (unique-local), fe80::/10 (link-local), ff00::/8 (multicast).
  ["::", 3],
  ["4000::", 2],
  ["8000::", 1],
  ["2001::", 23], // IETF protocol assignments (Teredo 2001::/32, benchmarking, ORCHID)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds any IPv4 address)
  ["3fff::", 20], // documentation (RFC 9637)
];

// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules (as ::ffff:a.b.c.d),
// and every IPv4-mapped address lies in ::/3.
const blockedV4 = new BlockList();
for (const [net, prefix] of NOT_PUBLIC_V4) blockedV4.addSubnet(net, prefix, "ipv4");
const blockedV6 = new BlockList();
for (const [net, prefix] of NOT_PUBLIC_V6) blockedV6.addSubnet(net, prefix, "ipv6");

/**
 * Whether `address` (an IPv4 or IPv6 literal, without brackets) is a public address a
 * callback may go to without an allowlist. Anything that is not an IP literal is `false`.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return family === 4 ? !blockedV4.check(address, "ipv4") : !blockedV6.check(address, "ipv6");
}

/** `hostname` of a parsed URL without IPv6 brackets, lower-cased, trailing dots removed. */
export function bareHostname(url: URL): string {
  return url.hostname
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.+$/, "")
    .toLowerCase();
}

/**
 * Why the host of `url` is refused without an allowlist, or `null` when it may be called:
 * an IP literal (every spelling the URL parser accepts is normalised by it first) must be
 * public, and `localhost` names are refused. Other names are checked on the addresses they
 * resolve to, at delivery.
 */
export function publicHostRefusal(url: URL): string | null {
  const host = bareHostname(url);
  if (host === "localhost" || host.endsWith(".localhost"))
    return "callback_url names localhost; without a callbackUrls allowlist only public addresses are called";
  if (isIP(host) !== 0 && !isPublicAddress(host))
    return `callback_url points to ${host}, which is not a public address; without a callbackUrls allowlist only public addresses are called`;
  return null;
}
