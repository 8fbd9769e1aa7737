import type { AsPathSegment, UpdateMessage } from '../../../src/bgp/wire/types.js';
import { encodeEvpnNlri } from '../../../src/evpn/nlri.js';
import { buildEvpnCommunities, TunnelType } from '../../../src/evpn/ext-communities.js';
import { ingressReplicationPmsi } from '../../../src/evpn/pmsi.js';
import { parseIpv4 } from '../../../src/bgp/wire/ipv4.js';
import type { EvpnRoute, MacIpRoute, ImetRoute } from '../../../src/evpn/types.js';
import type { RibDelta, RibEvent, RibListener } from '../../../src/evpn/rib/rib.js';

export function ip4(text: string): number {
  const n = parseIpv4(text);
  if (n === undefined) throw new Error(text);
  return n;
}

export function mac2(mac: number, opts: { rd?: string; vni?: number; ip?: string } = {}): MacIpRoute {
  const r: MacIpRoute = { type: 2, rd: opts.rd ?? '192.0.2.1:2', esi: '00000000000000000000', ethTag: 0, mac, label1: opts.vni ?? 5000 };
  if (opts.ip) r.ip = { v: 4, addr: ip4(opts.ip) };
  return r;
}

export function imet(originator: string, opts: { rd?: string } = {}): ImetRoute {
  return { type: 3, rd: opts.rd ?? `${originator}:2`, ethTag: 0, originator: { v: 4, addr: ip4(originator) } };
}

export interface UpdateOpts {
  nextHop?: string;
  rts?: string[];
  seq?: number;
  sticky?: boolean;
  /** Tunnel type of the encapsulation community (VXLAN when omitted); false: no community. */
  encap?: number | false;
  localPref?: number;
  med?: number;
  origin?: number;
  asPath?: AsPathSegment[];
  originatorId?: number;
  clusterList?: number[];
  pmsiVni?: number;
}

export function announce(routes: EvpnRoute[], o: UpdateOpts = {}): UpdateMessage {
  const nh = Buffer.alloc(4);
  nh.writeUInt32BE(ip4(o.nextHop ?? '198.51.100.1'));
  const ext = buildEvpnCommunities({
    routeTargets: o.rts ?? ['65000:5000'],
    encapsulation: o.encap === false ? undefined : (o.encap ?? TunnelType.VXLAN),
    macMobility: o.seq !== undefined || o.sticky ? { seq: o.seq ?? 0, sticky: o.sticky ?? false } : undefined,
  });
  const u: UpdateMessage = {
    type: 'update',
    withdrawn: [],
    nlri: [],
    attributes: {
      origin: o.origin ?? 0,
      asPath: o.asPath ?? [],
      extCommunities: ext,
      mpReach: { afi: 25, safi: 70, nextHop: nh, nlri: encodeEvpnNlri(routes) },
    },
  };
  if (o.localPref !== undefined) u.attributes.localPref = o.localPref;
  if (o.med !== undefined) u.attributes.med = o.med;
  if (o.originatorId !== undefined) u.attributes.originatorId = o.originatorId;
  if (o.clusterList) u.attributes.clusterList = o.clusterList;
  if (o.pmsiVni !== undefined) u.attributes.pmsiTunnel = ingressReplicationPmsi(o.pmsiVni, { v: 4, addr: ip4(o.nextHop ?? '198.51.100.1') });
  return u;
}

export function withdraw(routes: EvpnRoute[]): UpdateMessage {
  return { type: 'update', withdrawn: [], nlri: [], attributes: { mpUnreach: { afi: 25, safi: 70, nlri: encodeEvpnNlri(routes) } } };
}

export const EOR: UpdateMessage = { type: 'update', withdrawn: [], nlri: [], attributes: { mpUnreach: { afi: 25, safi: 70, nlri: Buffer.alloc(0) } } };

export class Recorder implements RibListener {
  batches: RibDelta[][] = [];
  events: RibEvent[] = [];
  deltas(batch: readonly RibDelta[]): void {
    this.batches.push([...batch]);
  }
  event(e: RibEvent): void {
    this.events.push(e);
  }
  get all(): RibDelta[] {
    return this.batches.flat();
  }
  take(): RibDelta[] {
    const a = this.all;
    this.batches = [];
    this.events = [];
    return a;
  }
}
