// Which addresses audio is fetched from. Loopback, private, link-local, CGNAT, unique-local,
// multicast, reserved and cloud metadata addresses (IPv4 and IPv6, IPv4-mapped and the other IPv6
// forms that embed an IPv4 address) are refused unless allowPrivate allows them. Against DNS
// rebinding, a host is resolved once, every address it resolves to is checked, and the socket
// is connected to exactly those checked addresses (pinnedLookup: no second resolution).
import { lookup as systemLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { describeUrl, fetchFailed } from './fetch-errors.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (default: the system resolver, dns.lookup). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** true allows every non-public address; a predicate decides per resolved address. */
export type AllowPrivate = boolean | ((address: string, url: URL) => boolean);

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'invalid';

/** Cloud instance-metadata and host-agent addresses outside the ranges refused anyway. */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254', // AWS, GCP, Azure, Oracle, DigitalOcean IMDS (also link-local)
  '169.254.170.2', // AWS ECS task metadata (also link-local)
  '168.63.129.16', // Azure WireServer: a public address, so listed explicitly
  '100.100.100.200', // Alibaba Cloud metadata (also CGNAT)
  'fd00:ec2::254', // AWS IMDS over IPv6 (also unique-local)
]);

const IPV6_RANGE_CLASS: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
};

const IPV4_RANGE_CLASS: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'cgnat',
  unspecified: 'unspecified',
  broadcast: 'reserved',
  multicast: 'multicast',
};

function ipv4FromBytes(bytes: number[]): ipaddr.IPv4 {
  return new ipaddr.IPv4(bytes);
}

/** The IPv4 address an IPv6 address carries, for the forms that route to one (mapped, NAT64, 6to4, ::/96). */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const bytes = v6.toByteArray();
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return ipv4FromBytes(bytes.slice(12));
  if (range === '6to4') return ipv4FromBytes(bytes.slice(2, 6));
  // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it).
  if (bytes.slice(0, 12).every((b) => b === 0)) return ipv4FromBytes(bytes.slice(12));
  return undefined;
}

/** Classifies an IP address; only 'public' addresses are fetched without allowPrivate. */
export function classifyAddress(text: string): AddressClass {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(bare) === 0) return 'invalid';
  let address: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(bare);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.range() === 'unspecified' || v6.range() === 'loopback') return IPV6_RANGE_CLASS[v6.range()];
    if (METADATA_ADDRESSES.has(v6.toString())) return 'metadata';
    const v4 = embeddedIPv4(v6);
    if (v4) address = v4;
    else return IPV6_RANGE_CLASS[v6.range()] ?? 'reserved';
  }
  const v4 = address as ipaddr.IPv4;
  if (METADATA_ADDRESSES.has(v4.toString())) return 'metadata';
  return IPV4_RANGE_CLASS[v4.range()] ?? 'reserved';
}

const systemResolver: Resolver = async (hostname) => {
  const answers = await systemLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Resolves the URL's host once and checks every address; returns the addresses to connect to. */
export async function resolveChecked(url: URL, allowPrivate: AllowPrivate, resolve: Resolver = systemResolver): Promise<ResolvedAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  const family = isIP(host);
  if (family !== 0) {
    addresses = [{ address: host, family: family as 4 | 6 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw fetchFailed(`Could not resolve the host ${host} of audio_uri ${describeUrl(url)}`, {
        host,
        reason: (error as { code?: string }).code ?? String(error),
      });
    }
    if (addresses.length === 0) throw fetchFailed(`The host ${host} of audio_uri ${describeUrl(url)} has no address`, { host });
  }
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind === 'public') continue;
    const allowed = typeof allowPrivate === 'function' ? allowPrivate(address, url) : allowPrivate === true;
    if (!allowed || kind === 'invalid') {
      throw fetchFailed(
        `audio_uri ${describeUrl(url)} resolves to a ${kind} address (${address}), which is not fetched; use a public http(s) URL, an s3:// URI or a data: URI`,
        { host, address, address_class: kind },
      );
    }
  }
  return addresses;
}

/** A lookup that answers with the already checked addresses: the socket connects to exactly those. */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = usable.length > 0 ? usable : addresses;
    if (options.all) (callback as (err: null, addresses: ResolvedAddress[]) => void)(null, list);
    else callback(null, list[0].address, list[0].family);
  };
}
