/**
 * The local side of one managed switch: what the switch itself knows, read from the
 * hardware_vtep tables it writes (Physical_Switch, Logical_Switch, Ucast_Macs_Local),
 * turned into the inputs of origination: the local VTEP address, the EVIs (logical
 * switches with a tunnel key = VNI) and the local MACs per VNI.
 *
 * Pure: it takes monitor rows and returns values; the switch driver calls it after
 * every monitor change and diffs the result against the previous one. This process
 * writes only the *_Remote tables, so rows it wrote can never appear here.
 *
 * Left out: Mcast_Macs_Local (the switch's own BUM locator is its tunnel IP, which
 * is what the type-3 route announces) and Arp_Sources_Local.
 */
import type { LogicalSwitchRow, PhysicalLocatorRow, PhysicalSwitchRow, UcastMacsLocalRow } from './ovsdb/vtep-schema.js';

export interface LogicalSwitchInfo {
  uuid: string;
  name: string;
  vni: number;
}

export interface LocalMac {
  /** lower-case aa:bb:cc:dd:ee:ff */
  mac: string;
  vni: number;
  /** IPv4 or IPv6 text, when the switch knows it */
  ip?: string;
  /** the locator's dst_ip: the VTEP address the MAC is reached at */
  nextHop: string;
}

export interface LocalView {
  /** a Physical_Switch row has the managed switch's name */
  switchFound: boolean;
  /** Physical_Switch.tunnel_ips[0] of the managed switch, when set */
  tunnelIp?: string;
  /** logical switches with a tunnel key, by uuid */
  logicalSwitches: Map<string, LogicalSwitchInfo>;
  /** local MACs keyed by `${vni}/${mac}` */
  localMacs: Map<string, LocalMac>;
}

export interface LocalRows {
  physicalSwitches: ReadonlyMap<string, PhysicalSwitchRow>;
  logicalSwitches: ReadonlyMap<string, LogicalSwitchRow>;
  ucastLocal: ReadonlyMap<string, UcastMacsLocalRow>;
  locators: ReadonlyMap<string, PhysicalLocatorRow>;
}

function localMacKey(vni: number, mac: string): string {
  return `${vni}/${mac}`;
}

export function readLocalView(switchName: string, rows: LocalRows): LocalView {
  let tunnelIp: string | undefined;
  let switchFound = false;
  for (const ps of rows.physicalSwitches.values()) {
    if (ps.name !== switchName) continue;
    switchFound = true;
    tunnelIp = [...ps.tunnel_ips].sort()[0];
  }
  const logicalSwitches = new Map<string, LogicalSwitchInfo>();
  for (const [uuid, ls] of rows.logicalSwitches) {
    if (ls.tunnel_key !== null && ls.tunnel_key >= 1 && ls.tunnel_key <= 0xffffff) {
      logicalSwitches.set(uuid, { uuid, name: ls.name, vni: ls.tunnel_key });
    }
  }
  const localMacs = new Map<string, LocalMac>();
  for (const row of rows.ucastLocal.values()) {
    const ls = logicalSwitches.get(row.logical_switch);
    if (!ls) continue;
    const mac = row.MAC.toLowerCase();
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) continue;
    const nextHop = rows.locators.get(row.locator)?.dst_ip || tunnelIp;
    if (!nextHop) continue;
    const entry: LocalMac = { mac, vni: ls.vni, nextHop };
    if (row.ipaddr) entry.ip = row.ipaddr;
    localMacs.set(localMacKey(ls.vni, mac), entry);
  }
  return { switchFound, tunnelIp, logicalSwitches, localMacs };
}

export interface LocalMacDiff {
  added: LocalMac[];
  removed: LocalMac[];
}

/** What changed between two views; a MAC whose IP or next hop changed is removed and added. */
export function diffLocalMacs(before: ReadonlyMap<string, LocalMac>, after: ReadonlyMap<string, LocalMac>): LocalMacDiff {
  const added: LocalMac[] = [];
  const removed: LocalMac[] = [];
  for (const [key, mac] of after) {
    const old = before.get(key);
    if (!old) added.push(mac);
    else if (old.ip !== mac.ip || old.nextHop !== mac.nextHop) {
      removed.push(old);
      added.push(mac);
    }
  }
  for (const [key, mac] of before) if (!after.has(key)) removed.push(mac);
  return { added, removed };
}
