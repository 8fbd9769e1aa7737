/**
 * Shapes of the hardware_vtep remote-side reconciler (schema 1.7.0,
 * DESIGN.md §2): what the speaker wants in the *_Remote tables of the logical
 * switches it manages, what a monitor cache shows, and the row changes
 * between them. Natural keys, not row uuids, identify what is wanted:
 * (MAC, logical switch) for Ucast_Macs_Remote, (encapsulation_type, dst_ip,
 * tunnel_key) for Physical_Locator (its unique index), the logical switch
 * for the one Mcast_Macs_Remote "unknown-dst" row.
 */
import type {
  LogicalSwitchRow,
  McastMacsRemoteRow,
  PhysicalLocatorRow,
  PhysicalLocatorSetRow,
  UcastMacsRemoteRow,
} from '../ovsdb/vtep-schema.js';

/** The only encapsulation the schema allows (vtep.ovsschema Physical_Locator). */
export const ENCAPSULATION = 'vxlan_over_ipv4';
/** hardware_vtep(5) Mcast_Macs_Remote: the MAC that stands for BUM traffic. */
export const UNKNOWN_DST = 'unknown-dst';

export type MacSource = 'bgp' | 'manual';

/** A logical switch the managed physical switch serves (an EVI when tunnelKey is set). */
export interface ManagedLogicalSwitch {
  uuid: string;
  name: string;
  tunnelKey: number | null;
}

/** A remote MAC to install. */
export interface RemoteMac {
  /** lower-case aa:bb:cc:dd:ee:ff */
  mac: string;
  /** Logical_Switch uuid */
  logicalSwitch: string;
  /** IPv4 address for ARP suppression */
  ipaddr?: string;
  /** the remote VTEP (BGP next hop or remote gateway address) */
  dstIp: string;
  /** VNI, only when it differs from the logical switch's tunnel_key (DESIGN §2) */
  tunnelKey?: number;
  source: MacSource;
}

/** One head-end replication target of a logical switch's BUM traffic. */
export interface FloodLocator {
  dstIp: string;
  tunnelKey?: number;
}

export interface ReconcileInputs {
  logicalSwitches: readonly ManagedLogicalSwitch[];
  macs: readonly RemoteMac[];
  /** flood locators by Logical_Switch uuid (type-3 routes, flood-enabled connections) */
  flood: ReadonlyMap<string, readonly FloodLocator[]>;
}

/** `${dst_ip}/${tunnel_key or ''}`; the encapsulation is always vxlan_over_ipv4. */
export type LocatorKey = string;

export interface DesiredLocator {
  key: LocatorKey;
  dstIp: string;
  tunnelKey: number | null;
}

export interface DesiredUcast {
  mac: string;
  logicalSwitch: string;
  /** '' when none */
  ipaddr: string;
  locator: DesiredLocator;
  source: MacSource;
}

export interface DesiredMcast {
  logicalSwitch: string;
  /** sorted by key, without duplicates, never empty */
  locators: DesiredLocator[];
}

export type SkipReason = 'unmanaged-logical-switch' | 'invalid-mac' | 'not-ipv4-destination';

/** An input left out of the desired state, with the reason (never dropped silently). */
export interface SkippedInput {
  kind: 'mac' | 'flood';
  logicalSwitch: string;
  mac?: string;
  dstIp: string;
  reason: SkipReason;
}

export interface DesiredState {
  /** uuids of the managed logical switches: the only ones whose rows are touched */
  switches: ReadonlySet<string>;
  locators: ReadonlyMap<LocatorKey, DesiredLocator>;
  /** by Logical_Switch uuid, then MAC (nested, not a joined key: no string built per row) */
  ucast: ReadonlyMap<string, ReadonlyMap<string, DesiredUcast>>;
  /** number of desired Ucast_Macs_Remote rows */
  ucastRows: number;
  /** by Logical_Switch uuid */
  mcast: ReadonlyMap<string, DesiredMcast>;
  skipped: SkippedInput[];
}

/** A Ucast_Macs_Remote row as a monitor cache holds it. */
export type ObservedUcast = Pick<UcastMacsRemoteRow, 'MAC' | 'logical_switch' | 'locator' | 'ipaddr'>;

/** Rows as a monitor cache holds them, by row uuid. */
export interface ObservedState {
  logicalSwitches: ReadonlyMap<string, Pick<LogicalSwitchRow, 'name' | 'tunnel_key'>>;
  ucastRemote: ReadonlyMap<string, ObservedUcast>;
  mcastRemote: ReadonlyMap<string, Pick<McastMacsRemoteRow, 'MAC' | 'logical_switch' | 'locator_set'>>;
  locators: ReadonlyMap<string, Pick<PhysicalLocatorRow, 'encapsulation_type' | 'dst_ip' | 'tunnel_key'>>;
  locatorSets: ReadonlyMap<string, Pick<PhysicalLocatorSetRow, 'locators'>>;
}

/** A locator by the uuid of an existing row, or the one to insert. */
export type LocatorRef = { uuid: string } | { insert: DesiredLocator };
/** A locator set: an existing row with the wanted members, or a new one. */
export type SetRef = { uuid: string } | { insert: LocatorRef[] };

export type Change =
  | { kind: 'insert-ucast'; mac: string; logicalSwitch: string; ipaddr: string; locator: LocatorRef }
  | { kind: 'update-ucast'; uuid: string; mac: string; logicalSwitch: string; ipaddr?: string; locator?: LocatorRef }
  | { kind: 'delete-ucast'; uuid: string }
  | { kind: 'insert-mcast'; logicalSwitch: string; set: SetRef }
  | { kind: 'update-mcast'; uuid: string; logicalSwitch: string; set: SetRef }
  | { kind: 'delete-mcast'; uuid: string };

export interface ReconcileDiff {
  changes: Change[];
  /**
   * Indexes into `changes` that must commit together: one drops the last
   * reference to an existing locator or set that another names by uuid, and
   * the server would collect it in between.
   */
  bundles: number[][];
  /** locators to insert, by key (each inserted once, with the first change that needs it) */
  newLocators: ReadonlyMap<LocatorKey, DesiredLocator>;
  /** extra rows left in place because deletes are not allowed yet */
  deletesHeld: number;
  /** desired rows of logical switches missing from the database, left out */
  missingSwitch: number;
}

export function locatorKey(dstIp: string, tunnelKey: number | null): LocatorKey {
  return `${dstIp}/${tunnelKey ?? ''}`;
}
