/**
 * Why a route is not installed in the managed switches (DESIGN.md §2): the
 * one rule behind the route table (daemon/routes.ts: REST `GET
 * /v2.0/evpn/routes`, `l2bgw evpn-route-list`) and each switch's status
 * (remote-state.ts). Pure: the caller says what the switches hold.
 *
 * In order: only types 2 and 3 map to rows; our own routes, routes treated
 * as withdrawn (RFC 7606) and paths that are not best have none; the
 * locator needs an IPv4 address (the schema's encapsulation_type allows
 * vxlan_over_ipv4 only); a managed switch needs the Logical_Switch whose
 * tunnel_key is the VNI; and then it must hold the row.
 */
import type { IpAddress } from '../evpn/types.js';

export type NotInstalledReason =
  /** our own route: the MAC is the switch's local one */
  | 'local'
  /** treat-as-withdraw (RFC 7606) */
  | 'ineligible'
  /** another path of the same route is best */
  | 'not-best'
  /** route types 1, 4 and 5 are kept, not acted on */
  | 'not-acted-on'
  | 'no-next-hop'
  /** hardware_vtep locators are vxlan_over_ipv4 only */
  | 'ipv6-next-hop'
  /** no managed switch has a Logical_Switch whose tunnel_key is the VNI */
  | 'no-logical-switch'
  /** the logical switch is there, the route's row is not: a write pending, a manual MAC in its place, or the switch unreachable */
  | 'not-on-switch';

/** Where a route stands in the Loc-RIB. */
interface Standing {
  /** ours (no peer) */
  local: boolean;
  ineligible: boolean;
  best: boolean;
  /** the EVI the route is in */
  vni: number;
}

/** A type-2 route: its Ucast_Macs_Remote row. */
export interface MacCandidate extends Standing {
  type: 2;
  /** lower case */
  mac: string;
  /** the locator: the BGP next hop, with label 1 as its VNI (RFC 8365 §5.1.3) */
  dst: IpAddress | undefined;
  locatorVni: number;
}

/** A type-3 route: its member of the unknown-dst locator set, the flood target (evpn/flood.ts). */
export interface FloodCandidate extends Standing {
  type: 3;
  dst: IpAddress;
  locatorVni: number;
}

/** Types 1, 4 and 5: no row. */
export interface OtherCandidate extends Standing {
  type: 1 | 4 | 5;
}

export type InstallCandidate = MacCandidate | FloodCandidate | OtherCandidate;

/** What the rule asks of the managed switches. */
export interface SwitchRows {
  /** some switch has a Logical_Switch whose tunnel_key is this VNI */
  hasVni(vni: number): boolean;
  /** some switch holds the candidate's row, whose locator has the IPv4 address `dst` */
  holds(c: MacCandidate | FloodCandidate, dst: number): boolean;
}

/** Why the candidate has no row on the switches; undefined when one holds it. */
export function notInstalledReason(c: InstallCandidate, switches: SwitchRows): NotInstalledReason | undefined {
  if (c.type !== 2 && c.type !== 3) return 'not-acted-on';
  if (c.local) return 'local';
  if (c.ineligible) return 'ineligible';
  if (!c.best) return 'not-best';
  if (c.dst === undefined) return 'no-next-hop';
  if (c.dst.v !== 4) return 'ipv6-next-hop';
  if (!switches.hasVni(c.vni)) return 'no-logical-switch';
  return switches.holds(c, c.dst.addr) ? undefined : 'not-on-switch';
}
