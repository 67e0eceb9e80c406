// Host name resolution for the platform's hosts that never waits on the libuv thread pool once
// warm. dns.lookup (getaddrinfo) runs on that pool, which the addon's inference also uses: with
// every pool thread busy, a fresh lookup for a ping would wait for inference to finish. So each
// host is resolved once, and later lookups answer from the cache at once; a stale entry is still
// answered while a refresh runs in the background.
import { lookup as systemLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';

export interface CachedAddress {
  address: string;
  family: number;
}

type Resolve = (hostname: string, callback: (error: Error | null, addresses: CachedAddress[]) => void) => void;

const systemResolve: Resolve = (hostname, callback) =>
  systemLookup(hostname, { all: true }, (error, addresses) => callback(error, error ? [] : addresses));

export function createCachedLookup(ttlMs = 60_000, resolve: Resolve = systemResolve): LookupFunction {
  const cache = new Map<string, { addresses: CachedAddress[]; expires: number; refreshing: boolean }>();
  const refresh = (hostname: string, done?: (error: Error | null, addresses: CachedAddress[]) => void) => {
    resolve(hostname, (error, addresses) => {
      const entry = cache.get(hostname);
      if (!error && addresses.length > 0) cache.set(hostname, { addresses, expires: Date.now() + ttlMs, refreshing: false });
      else if (entry) entry.refreshing = false;
      done?.(error, addresses);
    });
  };
  return (hostname, options, callback) => {
    const answer = (addresses: CachedAddress[]) => {
      const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
      const list = usable.length > 0 ? usable : addresses;
      if (options.all) (callback as (error: null, addresses: CachedAddress[]) => void)(null, list);
      else callback(null, list[0].address, list[0].family);
    };
    const entry = cache.get(hostname);
    if (entry) {
      if (entry.expires < Date.now() && !entry.refreshing) {
        entry.refreshing = true;
        refresh(hostname);
      }
      return process.nextTick(answer, entry.addresses);
    }
    refresh(hostname, (error, addresses) => {
      if (error || addresses.length === 0) callback(error ?? Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      else answer(addresses);
    });
  };
}
