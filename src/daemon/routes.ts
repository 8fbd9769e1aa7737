/**
 * The Loc-RIB as l2bgwd shows it (REST `GET /v2.0/evpn/routes`, `l2bgw
 * evpn-route-list`): each row of the RIB with whether a managed switch holds
 * the row the route maps to (DESIGN.md §2), or why not.
 *
 * "Installed" is read from the rows each switch's monitor last saw, not from
 * what the gateway means to write: a route of a VNI no logical switch has, or
 * one whose row is not written yet, is not installed (the rule and its
 * reasons: vtep/not-installed.ts). The switches' rows are indexed once per
 * question, so the cost is one pass over the remote tables of the VNIs asked
 * about, never a diff per route.
 */
import type { RouteFilter } from '../api/state.js';
import { parseIp } from '../evpn/addr.js';
import { floodTarget } from '../evpn/flood.js';
import type { PathView } from '../evpn/rib/rib.js';
import { routeRow } from '../evpn/rib/view.js';
import type { RouteRow } from '../evpn/rib/view.js';
import { notInstalledReason } from '../vtep/not-installed.js';
import type { FloodCandidate, InstallCandidate, MacCandidate, NotInstalledReason, SwitchRows } from '../vtep/not-installed.js';
import { UNKNOWN_DST } from '../vtep/reconcile/types.js';
import type { ObservedState } from '../vtep/reconcile/types.js';

export interface GatewayRoute extends RouteRow {
  /** a managed switch holds the Ucast_Macs_Remote row (type 2) or the unknown-dst locator (type 3) */
  installed: boolean;
  notInstalledReason?: NotInstalledReason;
}

/** What the switches hold for the VNIs asked about, keyed by what a route maps to. */
export class SwitchRowIndex implements SwitchRows {
  private readonly vnis = new Set<number>();
  /** `${vni}/${mac}/${dst_ip as a number}/${locator VNI}` of every Ucast_Macs_Remote row */
  private readonly macs = new Set<string>();
  /** `${vni}/${dst_ip as a number}/${locator VNI}` of every member of an unknown-dst locator set */
  private readonly floods = new Set<string>();

  constructor(switches: Iterable<ObservedState | undefined>, filter: RouteFilter = {}) {
    for (const s of switches) if (s) this.add(s, filter);
  }

  hasVni(vni: number): boolean {
    return this.vnis.has(vni);
  }

  holds(c: MacCandidate | FloodCandidate, dst: number): boolean {
    return c.type === 2 ? this.macs.has(`${c.vni}/${c.mac}/${dst}/${c.locatorVni}`) : this.floods.has(`${c.vni}/${dst}/${c.locatorVni}`);
  }

  private add(s: ObservedState, filter: RouteFilter): void {
    const vniOf = new Map<string, number>();
    for (const [uuid, ls] of s.logicalSwitches) {
      if (ls.tunnel_key === null || (filter.vni !== undefined && ls.tunnel_key !== filter.vni)) continue;
      vniOf.set(uuid, ls.tunnel_key);
      this.vnis.add(ls.tunnel_key);
    }
    if (vniOf.size === 0) return;
    // Locators are few and named by many rows: each dst_ip is read once.
    const addrOf = new Map<string, number | undefined>();
    // A locator without a tunnel_key carries the logical switch's (hardware_vtep(5) Physical_Locator).
    const locatorKey = (uuid: string, vni: number): string | undefined => {
      const l = s.locators.get(uuid);
      if (l === undefined) return undefined;
      let addr = addrOf.get(uuid);
      if (addr === undefined && !addrOf.has(uuid)) {
        const ip = parseIp(l.dst_ip);
        addrOf.set(uuid, (addr = ip?.v === 4 ? ip.addr : undefined));
      }
      return addr === undefined ? undefined : `${addr}/${l.tunnel_key ?? vni}`;
    };
    if (filter.type === undefined || filter.type === 2) {
      for (const row of s.ucastRemote.values()) {
        const vni = vniOf.get(row.logical_switch);
        const loc = vni === undefined ? undefined : locatorKey(row.locator, vni);
        if (loc !== undefined) this.macs.add(`${vni}/${row.MAC.toLowerCase()}/${loc}`);
      }
    }
    if (filter.type === undefined || filter.type === 3) {
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

/** A Loc-RIB path as the not-installed rule reads it; `row` is its display row. */
function candidate(p: PathView, row: RouteRow): InstallCandidate {
  const local = p.attrs.peer === undefined;
  const vni = p.vni ?? 0;
  const r = p.route;
  if (r.type === 2) {
    // routeRow gives every type 2 its MAC text.
    return { type: 2, local, ineligible: row.ineligible, best: p.best, vni, mac: row.mac as string, dst: p.attrs.nextHop, locatorVni: r.label1 };
  }
  if (r.type === 3) {
    const flood = floodTarget(r, p.attrs.pmsi, vni);
    return { type: 3, local, ineligible: row.ineligible, best: p.best, vni, dst: flood.endpoint, locatorVni: flood.vni };
  }
  return { type: r.type, local, ineligible: row.ineligible, best: p.best, vni };
}

const INSTALLED = { installed: true } as const;

/**
 * The Loc-RIB rows of `filter` (every VNI and type when absent), each with
 * whether one of the switches, given as the rows their monitors hold, has it.
 */
export function routeTable(paths: readonly PathView[], switches: Iterable<ObservedState | undefined>, filter: RouteFilter, now: number): GatewayRoute[] {
  const index = new SwitchRowIndex(switches, filter);
  const out: GatewayRoute[] = [];
  for (const p of paths) {
    if (filter.type !== undefined && p.route.type !== filter.type) continue;
    const row = routeRow(p, now);
    const reason = notInstalledReason(candidate(p, row), index);
    // The row is built for this answer alone: it takes the installed fields in place.
    out.push(Object.assign(row, reason === undefined ? INSTALLED : { installed: false, notInstalledReason: reason }));
  }
  return out;
}
