/**
 * The remote inputs of one managed switch (DESIGN.md §2): the best remote
 * routes of the EVPN RIB per VNI and the manual remote gateway connections,
 * turned into the reconciler's inputs (remote MACs and flood locators per
 * Logical_Switch uuid).
 *
 * - Type-2 (RFC 7432 §7.2): the best path of each (MAC, EVI); our own routes
 *   (`best.local`) are not remote. The locator is the BGP next hop, its VNI is
 *   label1 (RFC 8365 §5.1.3); ipaddr only from an IPv4 MAC+IP route.
 * - Type-3 (RFC 7432 §7.3, RFC 6514 §5): the PMSI tunnel endpoint (or the
 *   originator) and the PMSI label join the logical switch's flood set; our
 *   own type-3 is not a member.
 * - The schema allows vxlan_over_ipv4 only: routes with an IPv6 next hop or
 *   endpoint are held but give no input; notInstalled() reports them, and
 *   the routes of a VNI no logical switch has, by the rule of
 *   not-installed.ts.
 * - A VNI maps to the Logical_Switch whose tunnel_key is that VNI.
 *
 * Pure: no I/O, no timers.
 */
import { formatIp, formatMac } from '../evpn/addr.js';
import type { IpAddress } from '../evpn/types.js';
import type { FloodBest, MacBest, RibDelta } from '../evpn/rib/rib.js';
import { notInstalledReason } from './not-installed.js';
import type { FloodCandidate, MacCandidate, NotInstalledReason, SwitchRows } from './not-installed.js';
import type { FloodLocator, ManagedLogicalSwitch, ReconcileInputs, RemoteMac } from './reconcile/types.js';

/** One remote MAC of a manual remote gateway connection. */
export interface ManualMac {
  mac: string;
  ipaddr?: string;
}

/** A remote gateway connection as the REST layer holds it (DESIGN §4). */
export interface ManualConnection {
  id: string;
  /** the connection's network: a Logical_Switch uuid */
  logicalSwitchUuid: string;
  /** the remote gateway's address */
  dstIp: string;
  /** segmentation_id; absent: the logical switch's tunnel_key */
  tunnelKey?: number;
  /** flood=true: the remote gateway joins the unknown-dst set */
  flood: boolean;
  macs: readonly ManualMac[];
}

export interface ManualInput {
  /** the connections whose l2_gateway is this switch */
  connections: readonly ManualConnection[];
}

/** What a new set of manual connections changes (see RemoteState.setManual). */
export type ManualChange = 'none' | 'all' | Map<string, Set<string>>;

/** A best route the switch does not get, and why (reported, never dropped silently). */
export interface NotInstalled {
  type: 2 | 3;
  vni: number;
  /** type 2 */
  mac?: string;
  /** type 3 */
  originator?: string;
  nextHop?: string;
  reason: NotInstalledReason;
}

interface BgpMac {
  mac: string;
  ipaddr?: string;
  /** the BGP next hop (the RIB's object, not a copy) */
  nextHop: IpAddress | undefined;
  /** its text when IPv4, the locator's dst_ip; undefined: no input (the schema cannot carry it) */
  dstIp: string | undefined;
  /** label1 */
  vni: number;
}

interface BgpFlood {
  /** the flood target (evpn/flood.ts) */
  endpoint: IpAddress;
  /** its text when IPv4; undefined: no input */
  dstIp: string | undefined;
  vni: number;
}

/** Text of an IPv4 address; many routes share a few next hops, so the last few texts are kept. */
const ipv4Texts = new Map<number, string>();

function ipv4Text(ip: IpAddress | undefined): string | undefined {
  if (ip === undefined || ip.v !== 4) return undefined;
  let t = ipv4Texts.get(ip.addr);
  if (t === undefined) {
    if (ipv4Texts.size >= 1024) ipv4Texts.clear();
    ipv4Texts.set(ip.addr, (t = formatIp(ip)));
  }
  return t;
}

export interface RemoteCounts {
  /** best remote routes held, those the schema cannot carry included */
  bgpMacs: number;
  bgpFloods: number;
  manualConnections: number;
  manualMacs: number;
}

export class RemoteState {
  /** EVI VNI → MAC text → best remote route */
  private readonly macs = new Map<number, Map<string, BgpMac>>();
  /** EVI VNI → originator → best remote type-3 route */
  private readonly floods = new Map<number, Map<string, BgpFlood>>();
  private manual: ManualInput = { connections: [] };

  /**
   * Apply one batch of Loc-RIB best-path changes. Returns the MACs whose
   * route changed, by VNI, and whether a flood member (type 3) did.
   */
  applyRibDeltas(batch: readonly RibDelta[]): { macs: Map<number, string[]>; flood: boolean } {
    const macs = new Map<number, string[]>();
    let flood = false;
    for (const d of batch) {
      if (d.type === 2) {
        const mac = formatMac(d.mac);
        this.applyMac(d.vni, mac, d.best);
        const list = macs.get(d.vni);
        if (list === undefined) macs.set(d.vni, [mac]);
        else list.push(mac);
      } else {
        this.applyFlood(d.vni, d.originator, d.best);
        flood = true;
      }
    }
    return { macs, flood };
  }

  /**
   * Replace the manual connections. Returns what changed for the writer:
   * nothing, only the remote MACs listed (by logical switch uuid, lower
   * case), or 'all' when a connection came, went or changed its network,
   * gateway, segmentation id or flooding (flood lists and locators follow).
   */
  setManual(input: ManualInput): ManualChange {
    const before = new Map(this.manual.connections.map((c) => [c.id, c]));
    this.manual = input;
    if (before.size !== input.connections.length) return 'all';
    const macs = new Map<string, Set<string>>();
    for (const c of input.connections) {
      const old = before.get(c.id);
      if (old === undefined || old.logicalSwitchUuid !== c.logicalSwitchUuid || old.dstIp !== c.dstIp || old.tunnelKey !== c.tunnelKey || old.flood !== c.flood) return 'all';
      const was = manualMacIndex(old.macs);
      const now = manualMacIndex(c.macs);
      let changed: Set<string> | undefined;
      const mark = (mac: string): void => {
        if (changed === undefined) {
          changed = macs.get(c.logicalSwitchUuid);
          if (changed === undefined) macs.set(c.logicalSwitchUuid, (changed = new Set()));
        }
        changed.add(mac);
      };
      for (const [mac, ip] of now) if (was.get(mac) !== ip) mark(mac);
      for (const mac of was.keys()) if (!now.has(mac)) mark(mac);
    }
    return macs.size === 0 ? 'none' : macs;
  }

  counts(): RemoteCounts {
    let bgpMacs = 0;
    let bgpFloods = 0;
    for (const m of this.macs.values()) bgpMacs += m.size;
    for (const f of this.floods.values()) bgpFloods += f.size;
    let manualMacs = 0;
    for (const c of this.manual.connections) manualMacs += c.macs.length;
    return { bgpMacs, bgpFloods, manualConnections: this.manual.connections.length, manualMacs };
  }

  /**
   * The held routes a switch with these logical switches is not given, and
   * why: one pass over the held routes, no diff. A MAC route a manual
   * connection's MAC replaces (manual wins, see desired.ts) is reported as
   * not on the switch, as the route table does. Every other held route is
   * given to it; those not written yet are the writer's pending changes.
   */
  notInstalled(logicalSwitches: readonly ManagedLogicalSwitch[]): NotInstalled[] {
    const vnis = vniIndex(logicalSwitches);
    const manual = new Map<string, Set<string>>();
    for (const c of this.manual.connections) {
      let set = manual.get(c.logicalSwitchUuid);
      if (set === undefined) manual.set(c.logicalSwitchUuid, (set = new Set()));
      for (const m of c.macs) set.add(m.mac.toLowerCase());
    }
    const replaced = (c: MacCandidate | FloodCandidate): boolean => {
      if (c.type !== 2 || manual.size === 0) return false;
      const ls = vnis.get(c.vni);
      return ls !== undefined && manual.get(ls)?.has(c.mac) === true;
    };
    const given: SwitchRows = { hasVni: (vni) => vnis.has(vni), holds: (c) => !replaced(c) };
    // Held routes are best, eligible and remote. One candidate of each type, refilled per
    // route (the rule keeps nothing): status is polled, and 100,000 fresh objects per poll cost.
    const mac: MacCandidate = { type: 2, local: false, ineligible: false, best: true, vni: 0, mac: '', dst: undefined, locatorVni: 0 };
    const flood: FloodCandidate = { type: 3, local: false, ineligible: false, best: true, vni: 0, dst: { v: 4, addr: 0 }, locatorVni: 0 };
    const out: NotInstalled[] = [];
    for (const [vni, m] of this.macs) {
      mac.vni = vni;
      for (const r of m.values()) {
        mac.mac = r.mac;
        mac.dst = r.nextHop;
        mac.locatorVni = r.vni;
        const reason = notInstalledReason(mac, given);
        if (reason !== undefined) out.push({ type: 2, vni, mac: r.mac, nextHop: r.nextHop && formatIp(r.nextHop), reason });
      }
    }
    for (const [vni, f] of this.floods) {
      flood.vni = vni;
      for (const [originator, r] of f) {
        flood.dst = r.endpoint;
        flood.locatorVni = r.vni;
        const reason = notInstalledReason(flood, given);
        if (reason !== undefined) out.push({ type: 3, vni, originator, nextHop: formatIp(r.endpoint), reason });
      }
    }
    return out;
  }

  /**
   * The reconciler's inputs for these logical switches. BGP MACs come first
   * and manual ones after; the reconciler lets manual win either way.
   */
  inputs(logicalSwitches: readonly ManagedLogicalSwitch[]): ReconcileInputs {
    const byVni = vniIndex(logicalSwitches);
    const macs: RemoteMac[] = [];
    const flood = new Map<string, FloodLocator[]>();
    for (const [vni, m] of this.macs) {
      const ls = byVni.get(vni);
      if (ls === undefined) continue;
      for (const r of m.values()) if (r.dstIp !== undefined) macs.push(bgpInput(r.dstIp, r, ls));
    }
    for (const [vni, f] of this.floods) {
      const ls = byVni.get(vni);
      if (ls === undefined) continue;
      for (const r of f.values()) {
        if (r.dstIp === undefined) continue;
        const list = flood.get(ls);
        const member = { dstIp: r.dstIp, tunnelKey: r.vni };
        if (list === undefined) flood.set(ls, [member]);
        else list.push(member);
      }
    }
    for (const c of this.manual.connections) {
      for (const m of c.macs) macs.push(manualInput(c, m));
      if (c.flood) {
        const list = flood.get(c.logicalSwitchUuid) ?? [];
        list.push(c.tunnelKey === undefined ? { dstIp: c.dstIp } : { dstIp: c.dstIp, tunnelKey: c.tunnelKey });
        flood.set(c.logicalSwitchUuid, list);
      }
    }
    return { logicalSwitches, macs, flood };
  }

  /**
   * The inputs of these MACs only (by logical switch uuid): their best BGP
   * route and any manual entry, no flood list (see VtepWriter.inputsChanged).
   */
  inputsFor(logicalSwitches: readonly ManagedLogicalSwitch[], wanted: ReadonlyMap<string, ReadonlySet<string>>): ReconcileInputs {
    const byVni = vniIndex(logicalSwitches);
    const macs: RemoteMac[] = [];
    for (const ls of logicalSwitches) {
      const set = wanted.get(ls.uuid);
      if (set === undefined || ls.tunnelKey === null || byVni.get(ls.tunnelKey) !== ls.uuid) continue;
      const table = this.macs.get(ls.tunnelKey);
      if (table === undefined) continue;
      for (const mac of set) {
        const r = table.get(mac);
        if (r?.dstIp !== undefined) macs.push(bgpInput(r.dstIp, r, ls.uuid));
      }
    }
    for (const c of this.manual.connections) {
      const set = wanted.get(c.logicalSwitchUuid);
      if (set === undefined) continue;
      for (const m of c.macs) if (set.has(m.mac.toLowerCase())) macs.push(manualInput(c, m));
    }
    return { logicalSwitches, macs, flood: new Map() };
  }

  /** Logical switch uuids the manual connections name (managed even without a tunnel_key). */
  manualSwitches(): Set<string> {
    return new Set(this.manual.connections.map((c) => c.logicalSwitchUuid));
  }

  private applyMac(vni: number, mac: string, best: MacBest | undefined): void {
    let table = this.macs.get(vni);
    // Removed, or our own route now best: no remote row.
    if (best === undefined || best.local) {
      if (table?.delete(mac) && table.size === 0) this.macs.delete(vni);
      return;
    }
    if (!table) this.macs.set(vni, (table = new Map()));
    const r: BgpMac = { mac, nextHop: best.nextHop, dstIp: ipv4Text(best.nextHop), vni: best.vni };
    const ip = ipv4Text(best.ip);
    if (ip !== undefined) r.ipaddr = ip;
    table.set(mac, r);
  }

  private applyFlood(vni: number, originator: string, best: FloodBest | undefined): void {
    let table = this.floods.get(vni);
    // Our own type-3 (peer 'local') is not a flood member.
    if (best === undefined || best.peer === 'local') {
      if (table?.delete(originator) && table.size === 0) this.floods.delete(vni);
      return;
    }
    if (!table) this.floods.set(vni, (table = new Map()));
    table.set(originator, { endpoint: best.endpoint, dstIp: ipv4Text(best.endpoint), vni: best.vni });
  }
}

function bgpInput(dstIp: string, r: BgpMac, ls: string): RemoteMac {
  const e: RemoteMac = { mac: r.mac, logicalSwitch: ls, dstIp, tunnelKey: r.vni, source: 'bgp' };
  if (r.ipaddr !== undefined) e.ipaddr = r.ipaddr;
  return e;
}

function manualInput(c: ManualConnection, m: ManualMac): RemoteMac {
  const e: RemoteMac = { mac: m.mac.toLowerCase(), logicalSwitch: c.logicalSwitchUuid, dstIp: c.dstIp, source: 'manual' };
  if (c.tunnelKey !== undefined) e.tunnelKey = c.tunnelKey;
  if (m.ipaddr !== undefined && m.ipaddr !== '') e.ipaddr = m.ipaddr;
  return e;
}

/** A connection's MACs (lower case) → ipaddr ('' when none), as the reconciler reads them. */
function manualMacIndex(macs: readonly ManualMac[]): Map<string, string> {
  return new Map(macs.map((m) => [m.mac.toLowerCase(), m.ipaddr ?? '']));
}

/** VNI → Logical_Switch uuid; with several logical switches on one VNI the lowest uuid wins. */
export function vniIndex(logicalSwitches: readonly ManagedLogicalSwitch[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const ls of logicalSwitches) {
    if (ls.tunnelKey === null) continue;
    const prev = out.get(ls.tunnelKey);
    if (prev === undefined || ls.uuid < prev) out.set(ls.tunnelKey, ls.uuid);
  }
  return out;
}
