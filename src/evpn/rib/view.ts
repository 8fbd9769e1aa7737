/**
 * Display rows for the Adj-RIB-In, Loc-RIB and Adj-RIB-Out with the fields
 * of FRR's `show bgp l2vpn evpn` (JSON form): prefix, RD, next hop, route
 * targets, encapsulation, MAC mobility, best/stale/ineligible flags, peer,
 * AS path, local preference, origin, label (VNI) and age; and the route key
 * fields as typed values (MAC, IP, Ethernet tag, originator), so no consumer
 * reads them back out of the prefix text.
 */

import { AsPathSegmentType } from '../../bgp/wire/types.js';
import { TunnelType, formatExtCommunities } from '../ext-communities.js';
import { formatEvpnPrefix } from '../format.js';
import { formatEsi, formatIp, formatMac } from '../addr.js';
import { readPmsiTunnel } from '../pmsi.js';
import { INELIGIBLE, STALE } from './model.js';
import type { PathView } from './rib.js';

export interface RouteRow {
  /** FRR's prefix text, e.g. "[2]:[0]:[48]:[00:11:22:33:44:55]". */
  prefix: string;
  routeType: number;
  rd: string;
  /** Ethernet tag ID (types 1, 2, 3, 5; RFC 7432 §7). */
  ethTag?: number;
  /** ESI as FRR shows it (types 1, 2, 4, 5), "00:00:…" when single-homed. */
  esi?: string;
  /** Type 2: "aa:bb:cc:dd:ee:ff". */
  mac?: string;
  /** Type 2 MAC+IP: the IPv4 or IPv6 address. */
  ip?: string;
  /** Types 3 and 4: the originating router's IP address (RFC 7432 §7.3, §7.4). */
  originator?: string;
  /** Type 3 with an ingress replication PMSI tunnel: the endpoint to flood to (RFC 6514 §5). */
  tunnelEndpoint?: string;
  /** The Loc-RIB the row belongs to. */
  vni?: number;
  nextHop?: string;
  routeTargets: string[];
  /** Every extended community as FRR shows it ("RT:65000:100", "ET:8", "MM:3"). */
  extCommunities: string[];
  /** "VXLAN", another tunnel type number, or undefined when the community is absent. */
  encapsulation?: string;
  macMobility?: { seq: number; sticky: boolean };
  best: boolean;
  stale: boolean;
  /** Treat-as-withdraw (RFC 7606) or no usable next hop. */
  ineligible: boolean;
  /** Peer address, or "local" for our own routes. */
  peer: string;
  asPath: string;
  localPref?: number;
  med?: number;
  /** "IGP", "EGP" or "incomplete". */
  origin: string;
  /** Label 1 of type 2 (the VNI), PMSI label of type 3. */
  label?: number;
  /** Seconds since the route was received or originated. */
  age: number;
}

const ORIGIN = ['IGP', 'EGP', 'incomplete'];

export function routeRow(v: PathView, now: number): RouteRow {
  const a = v.attrs;
  const c = a.communities;
  const row: RouteRow = {
    prefix: formatEvpnPrefix(v.route),
    routeType: v.route.type,
    rd: v.route.rd,
    routeTargets: c.routeTargets,
    extCommunities: formatExtCommunities(a.ext),
    best: v.best,
    stale: (v.flags & STALE) !== 0,
    ineligible: (v.flags & INELIGIBLE) !== 0,
    peer: a.peer?.info.address ?? 'local',
    asPath: a.asPath.map((s) => (s.type === AsPathSegmentType.AS_SET ? `{${s.asns.join(',')}}` : s.asns.join(' '))).join(' '),
    origin: ORIGIN[a.origin] ?? String(a.origin),
    age: Math.max(0, now - v.stamp),
  };
  const r = v.route;
  if (r.type !== 4) row.ethTag = r.ethTag;
  if (r.type !== 3) row.esi = formatEsi(r.esi);
  if (r.type === 2) {
    row.mac = formatMac(r.mac);
    if (r.ip) row.ip = formatIp(r.ip);
  }
  if (r.type === 3 || r.type === 4) row.originator = formatIp(r.originator);
  if (r.type === 3 && a.pmsi) {
    const pmsi = readPmsiTunnel(a.pmsi);
    if (pmsi.kind === 'ingress-replication') row.tunnelEndpoint = formatIp(pmsi.endpoint);
  }
  if (v.vni !== undefined) row.vni = v.vni;
  if (a.nextHop) row.nextHop = formatIp(a.nextHop);
  if (c.encapsulation !== undefined) row.encapsulation = c.encapsulation === TunnelType.VXLAN ? 'VXLAN' : String(c.encapsulation);
  if (c.macMobility) row.macMobility = { seq: c.macMobility.seq, sticky: c.macMobility.sticky };
  if (a.localPref !== undefined) row.localPref = a.localPref;
  if (a.med !== undefined) row.med = a.med;
  if (r.type === 2) row.label = r.label1;
  else if (r.type === 3 && a.pmsi) row.label = a.pmsi.label;
  return row;
}
