// Allocates Service ClusterIPs from --service-cluster-ip-range (the ipallocator of kube-apiserver),
// and keeps them on update. IPs in use are derived from the live Services, so deletes release them.
import { StatusError } from '../api/errors.js';
import type { ObjectStore } from '../registry/object-store.js';
import type { ServiceSpec } from '../registry/resources/services.js';
import type { AdmissionPlugin } from './interface.js';

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Usable addresses of a CIDR; the first is the `kubernetes` Service's. */
export function serviceRange(cidr: string): { first: number; last: number; firstIp: string } {
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const net = (ipToInt(base) & ~(size - 1)) >>> 0;
  return { first: net + 1, last: net + size - 2, firstIp: intToIp(net + 1) };
}

export function serviceIpAllocator(objects: () => ObjectStore, serviceCidr: string): AdmissionPlugin {
  const range = serviceRange(serviceCidr);
  async function used(): Promise<Set<string>> {
    const o = objects();
    const page = await o.list(o.def('services'), '');
    const set = new Set<string>();
    for (const s of page.items) for (const ip of (s.spec as ServiceSpec | undefined)?.clusterIPs ?? []) set.add(ip);
    return set;
  }
  return {
    name: 'ServiceIPAllocator',
    async mutate(req) {
      if (
        req.def.resource !== 'services' ||
        req.def.group !== '' ||
        req.subresource ||
        req.operation !== 'CREATE' ||
        !req.object
      )
        return;
      const spec = ((req.object.spec as ServiceSpec) ??= {});
      if (spec.type === 'ExternalName' || spec.clusterIP === 'None') {
        if (spec.clusterIP === 'None') spec.clusterIPs = ['None'];
        return;
      }
      const inUse = await used();
      let ip = spec.clusterIP;
      if (ip) {
        const n = ipToInt(ip);
        if (n < range.first || n > range.last)
          throw new StatusError(
            422,
            'Invalid',
            `Service "${req.name}" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${serviceCidr}`,
          );
        if (inUse.has(ip))
          throw new StatusError(
            422,
            'Invalid',
            `Service "${req.name}" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is already allocated`,
          );
      } else {
        // Random probing above the first few addresses keeps allocation cheap and leaves .1 to `kubernetes`.
        for (let i = 0; i < 64 && !ip; i++) {
          const cand = intToIp(
            range.first + 10 + Math.floor(Math.random() * Math.max(1, range.last - range.first - 10)),
          );
          if (!inUse.has(cand)) ip = cand;
        }
        for (let n = range.first + 1; !ip && n <= range.last; n++) if (!inUse.has(intToIp(n))) ip = intToIp(n);
        if (!ip)
          throw new StatusError(
            500,
            'InternalError',
            'Internal error occurred: failed to allocate a serviceIP: range is full',
          );
      }
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    },
  };
}
