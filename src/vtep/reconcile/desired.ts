/**
 * Desired remote-side state of one managed switch (DESIGN.md §2, RFC 7432
 * §9.2.2 / §11 by way of the EVPN RIB, RFC 8365 §5.1.3 for the VNI):
 * remote MACs become Ucast_Macs_Remote rows, flood locators become the
 * Mcast_Macs_Remote "unknown-dst" set of their logical switch.
 *
 * Rules: a manual MAC wins over a BGP one for the same (MAC, logical
 * switch); among inputs of the same source the later one wins. A locator
 * carries tunnel_key only when it differs from the logical switch's
 * tunnel_key. Only IPv4 destinations can be installed (the schema allows
 * vxlan_over_ipv4 only); others are reported in `skipped`. An `ipaddr` that
 * is not IPv4 is not written (the column serves ARP suppression).
 */
import { locatorKey } from './types.js';
import type {
  DesiredLocator,
  DesiredMcast,
  DesiredState,
  DesiredUcast,
  LocatorKey,
  ManagedLogicalSwitch,
  ReconcileInputs,
  SkippedInput,
} from './types.js';

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

function isIpv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || !/^[0-9]+$/.test(p) || Number(p) > 255) return false;
  }
  return true;
}

export function desired(inputs: ReconcileInputs): DesiredState {
  const switches = new Map<string, ManagedLogicalSwitch>();
  for (const ls of inputs.logicalSwitches) switches.set(ls.uuid, ls);
  const locators = new Map<LocatorKey, DesiredLocator>();
  const skipped: SkippedInput[] = [];
  // Many MACs share few remote VTEPs: look each address up once.
  const byIp = new Map<string, { ipv4: boolean; byTunnelKey: Map<number | null, DesiredLocator> }>();
  const ipEntry = (dstIp: string): { ipv4: boolean; byTunnelKey: Map<number | null, DesiredLocator> } => {
    let e = byIp.get(dstIp);
    if (e === undefined) byIp.set(dstIp, (e = { ipv4: isIpv4(dstIp), byTunnelKey: new Map() }));
    return e;
  };

  const locatorFor = (ls: ManagedLogicalSwitch, dstIp: string, tunnelKey: number | undefined): DesiredLocator => {
    // DESIGN §2: tunnel_key only when the VNI differs from the logical switch's.
    const tk = tunnelKey === undefined || tunnelKey === ls.tunnelKey ? null : tunnelKey;
    const e = ipEntry(dstIp);
    let loc = e.byTunnelKey.get(tk);
    if (loc === undefined) {
      const key = locatorKey(dstIp, tk);
      loc = locators.get(key);
      if (loc === undefined) locators.set(key, (loc = { key, dstIp, tunnelKey: tk }));
      e.byTunnelKey.set(tk, loc);
    }
    return loc;
  };

  const ucast = new Map<string, Map<string, DesiredUcast>>();
  let ucastRows = 0;
  for (const m of inputs.macs) {
    const ls = switches.get(m.logicalSwitch);
    const reason = !ls ? 'unmanaged-logical-switch' : !MAC_RE.test(m.mac) ? 'invalid-mac' : !ipEntry(m.dstIp).ipv4 ? 'not-ipv4-destination' : undefined;
    if (reason !== undefined || ls === undefined) {
      skipped.push({ kind: 'mac', logicalSwitch: m.logicalSwitch, mac: m.mac, dstIp: m.dstIp, reason: reason ?? 'unmanaged-logical-switch' });
      continue;
    }
    let macs = ucast.get(ls.uuid);
    if (macs === undefined) ucast.set(ls.uuid, (macs = new Map()));
    const prev = macs.get(m.mac);
    // Manual remote MACs override BGP-learned ones (DESIGN §1).
    if (prev && prev.source === 'manual' && m.source === 'bgp') continue;
    if (prev === undefined) ucastRows++;
    macs.set(m.mac, {
      mac: m.mac,
      logicalSwitch: ls.uuid,
      ipaddr: m.ipaddr !== undefined && m.ipaddr !== '' && isIpv4(m.ipaddr) ? m.ipaddr : '',
      locator: locatorFor(ls, m.dstIp, m.tunnelKey),
      source: m.source,
    });
  }

  const mcast = new Map<string, DesiredMcast>();
  for (const [lsUuid, targets] of inputs.flood) {
    const ls = switches.get(lsUuid);
    const keys = new Map<LocatorKey, DesiredLocator>();
    for (const t of targets) {
      const reason = !ls ? 'unmanaged-logical-switch' : !ipEntry(t.dstIp).ipv4 ? 'not-ipv4-destination' : undefined;
      if (reason !== undefined || ls === undefined) {
        skipped.push({ kind: 'flood', logicalSwitch: lsUuid, dstIp: t.dstIp, reason: reason ?? 'unmanaged-logical-switch' });
        continue;
      }
      const loc = locatorFor(ls, t.dstIp, t.tunnelKey);
      keys.set(loc.key, loc);
    }
    if (keys.size > 0) {
      const sorted = [...keys.keys()].sort().map((k) => keys.get(k) as DesiredLocator);
      mcast.set(lsUuid, { logicalSwitch: lsUuid, locators: sorted });
    }
  }

  return { switches: new Set(switches.keys()), locators, ucast, ucastRows, mcast, skipped };
}
