// Host and port in URLs and addresses, as Go's net.JoinHostPort writes them: an IPv6 literal goes in brackets
// (`[::1]:6443`), or `https://:::6443` would be read as a host named `::`.
import { isIPv6 } from 'node:net';

export function joinHostPort(host: string, port: number | string): string {
  // Only a host with a colon can be an IPv6 literal; the check spares others node's IPv6 pattern, whose first use
  // compiles it (~10 ms of every start-up).
  return host.includes(':') && isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The host a client on this machine reaches a server bound to `bindAddress` on: the unspecified addresses
 * (`0.0.0.0`, `::`, empty) listen on loopback too, and a dual-stack `::` socket takes IPv4 as well.
 */
export function reachableHost(bindAddress: string): string {
  return bindAddress === '' || bindAddress === '0.0.0.0' || bindAddress === '::' ? '127.0.0.1' : bindAddress;
}

export function httpsUrl(host: string, port: number | string): string {
  return `https://${joinHostPort(host, port)}`;
}
