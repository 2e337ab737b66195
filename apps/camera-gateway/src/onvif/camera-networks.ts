import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { OnvifError } from './onvif-error';

/**
 * The networks cameras may live in (CAMERA_NETWORKS, CIDRs separated by commas; empty = any).
 * The gateway connects to nothing outside them on a camera's behalf, so camera registration
 * cannot be used to reach, or scan, the rest of the gateway's network.
 */
export class CameraNetworks {
  private constructor(
    private readonly list: BlockList | undefined,
    readonly spec: string,
  ) {}

  static any(): CameraNetworks {
    return new CameraNetworks(undefined, '');
  }

  /** Parses "10.20.0.0/16, 192.168.1.0/24, fd00::/8"; a bare address is a /32 (/128). Throws on a bad entry. */
  static parse(spec: string): CameraNetworks {
    const entries = spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!entries.length || entries.some((e) => e === '*' || e.toLowerCase() === 'any'))
      return CameraNetworks.any();
    const list = new BlockList();
    for (const entry of entries) {
      const [address = '', prefixText] = entry.split('/');
      const family = isIP(address);
      if (!family) throw new Error(`${entry} is not a network (CIDR, e.g. 10.20.0.0/16)`);
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max)
        throw new Error(`${entry}: the prefix length must be 0 to ${max}`);
      list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
    return new CameraNetworks(list, entries.join(','));
  }

  get isAny(): boolean {
    return this.list === undefined;
  }

  allows(address: string): boolean {
    if (!this.list) return true;
    const family = isIP(address);
    if (!family) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

export type Lookup = (hostname: string) => Promise<LookupAddress[]>;

const systemLookup: Lookup = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/** The one answer for "nothing ONVIF there", whatever the reason (closed, filtered, not HTTP, not ONVIF). */
export const NO_ONVIF_DEVICE = 'no ONVIF device answers at this address';

/**
 * The addresses `hostname` stands for, every one inside the camera networks; throws
 * OnvifError('not_allowed') before anything connects otherwise. Names are resolved here, once,
 * and callers connect to what was checked, so a name cannot resolve elsewhere a moment later.
 */
export async function resolveCameraHost(
  hostname: string,
  networks: CameraNetworks,
  lookup: Lookup = systemLookup,
): Promise<string[]> {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = (await lookup(bare)).map((a) => a.address);
    } catch {
      throw new OnvifError('not_onvif', NO_ONVIF_DEVICE);
    }
  }
  if (!addresses.length) throw new OnvifError('not_onvif', NO_ONVIF_DEVICE);
  if (!addresses.every((a) => networks.allows(a)))
    throw new OnvifError('not_allowed', `${bare} is outside the camera networks (CAMERA_NETWORKS)`);
  return addresses;
}
