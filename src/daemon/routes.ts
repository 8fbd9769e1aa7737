/**
 * The Loc-RIB as l2bgwd shows it (REST `GET /v2.0/evpn/routes`, `l2bgw
 * evpn-route-list`): each row of the RIB with whether a managed switch holds
 * the row the route maps to (DESIGN.md §2), or why not.
 *
 * "Installed" is read from the rows each switch's monitor last saw, not from
 * what the gateway means to write: a route of a VNI no logical switch has, or
 * one whose row is not written yet, is not installed. The switches' rows are
 * indexed once per question, so the cost is one pass over the remote tables
 * of the VNIs asked about, never a diff per route.
 */
import { formatIp } from '../evpn/addr.js';
import { floodTarget } from '../evpn/flood.js';
import type { FloodTarget } from '../evpn/flood.js';
import type { PathView } from '../evpn/rib/rib.js';
import { routeRow } from '../evpn/rib/view.js';
import type { RouteRow } from '../evpn/rib/view.js';
import { UNKNOWN_DST } from '../vtep/reconcile/types.js';
import type { ObservedState } from '../vtep/reconcile/types.js';

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

export interface GatewayRoute extends RouteRow {
  /** a managed switch holds the Ucast_Macs_Remote row (type 2) or the unknown-dst locator (type 3) */
  installed: boolean;
  notInstalledReason?: NotInstalledReason;
}

export interface RouteQuery {
  vni?: number;
  type?: number;
}

/** What the switches hold for the VNIs asked about, keyed by what a route maps to. */
export class SwitchRowIndex {
  private readonly vnis = new Set<number>();
  /** `${vni}/${mac}/${dst_ip}/${locator VNI}` of every Ucast_Macs_Remote row */
  private readonly macs = new Set<string>();
  /** `${vni}/${dst_ip}/${locator VNI}` of every member of an unknown-dst locator set */
  private readonly floods = new Set<string>();

  constructor(switches: Iterable<ObservedState | undefined>, query: RouteQuery = {}) {
    for (const s of switches) if (s) this.add(s, query);
  }

  hasVni(vni: number): boolean {
    return this.vnis.has(vni);
  }

  hasMac(vni: number, mac: string, dstIp: string, locatorVni: number): boolean {
    return this.macs.has(`${vni}/${mac}/${dstIp}/${locatorVni}`);
  }

  hasFlood(vni: number, dstIp: string, locatorVni: number): boolean {
    return this.floods.has(`${vni}/${dstIp}/${locatorVni}`);
  }

  private add(s: ObservedState, query: RouteQuery): void {
    const vniOf = new Map<string, number>();
    for (const [uuid, ls] of s.logicalSwitches) {
      if (ls.tunnel_key === null || (query.vni !== undefined && ls.tunnel_key !== query.vni)) continue;
      vniOf.set(uuid, ls.tunnel_key);
      this.vnis.add(ls.tunnel_key);
    }
    if (vniOf.size === 0) return;
    // A locator without a tunnel_key carries the logical switch's (hardware_vtep(5) Physical_Locator).
    const locatorKey = (uuid: string, vni: number): string | undefined => {
      const l = s.locators.get(uuid);
      return l && `${l.dst_ip}/${l.tunnel_key ?? vni}`;
    };
    if (query.type === undefined || query.type === 2) {
      for (const row of s.ucastRemote.values()) {
        const vni = vniOf.get(row.logical_switch);
        const loc = vni === undefined ? undefined : locatorKey(row.locator, vni);
        if (loc !== undefined) this.macs.add(`${vni}/${row.MAC.toLowerCase()}/${loc}`);
      }
    }
    if (query.type === undefined || query.type === 3) {
      for (const row of s.mcastRemote.values()) {
        const vni = vniOf.get(row.logical_switch);
        if (vni === undefined || row.MAC !== UNKNOWN_DST) continue;
        for (const uuid of s.locatorSets.get(row.locator_set)?.locators ?? []) {
          const loc = locatorKey(uuid, vni);
          if (loc !== undefined) this.floods.add(`${vni}/${loc}`);
        }
      }
    }
  }
}

const isIpv6 = (text: string): boolean => text.includes(':');

/**
 * Why a Loc-RIB row has no switch row; undefined when a switch holds it.
 * `flood`: a type-3 route's flood target (evpn/flood.ts).
 */
export function notInstalledReason(r: RouteRow, index: SwitchRowIndex, flood?: FloodTarget): NotInstalledReason | undefined {
  if (r.routeType !== 2 && r.routeType !== 3) return 'not-acted-on';
  if (r.peer === 'local') return 'local';
  if (r.ineligible) return 'ineligible';
  if (!r.best) return 'not-best';
  const vni = r.vni ?? 0;
  if (r.routeType === 2) {
    // The locator is the BGP next hop; its VNI is label 1 (RFC 8365 §5.1.3).
    if (r.nextHop === undefined || r.mac === undefined) return 'no-next-hop';
    if (isIpv6(r.nextHop)) return 'ipv6-next-hop';
    if (!index.hasVni(vni)) return 'no-logical-switch';
    return index.hasMac(vni, r.mac, r.nextHop, r.label ?? vni) ? undefined : 'not-on-switch';
  }
  if (flood === undefined) return 'no-next-hop';
  const endpoint = formatIp(flood.endpoint);
  if (isIpv6(endpoint)) return 'ipv6-next-hop';
  if (!index.hasVni(vni)) return 'no-logical-switch';
  return index.hasFlood(vni, endpoint, flood.vni) ? undefined : 'not-on-switch';
}

/**
 * The Loc-RIB rows of `query` (every VNI and type when absent), each with
 * whether one of the switches, given as the rows their monitors hold, has it.
 */
export function routeTable(paths: readonly PathView[], switches: Iterable<ObservedState | undefined>, query: RouteQuery, now: number): GatewayRoute[] {
  const index = new SwitchRowIndex(switches, query);
  const out: GatewayRoute[] = [];
  for (const p of paths) {
    if (query.type !== undefined && p.route.type !== query.type) continue;
    const row = routeRow(p, now);
    const flood = p.route.type === 3 ? floodTarget(p.route, p.attrs.pmsi, p.vni ?? 0) : undefined;
    const reason = notInstalledReason(row, index, flood);
    const g: GatewayRoute = { ...row, installed: reason === undefined };
    if (reason !== undefined) g.notInstalledReason = reason;
    out.push(g);
  }
  return out;
}
