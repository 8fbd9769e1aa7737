/**
 * hardware_vtep remote tables: desired state, diff against what the database holds,
 * and transactions of bounded size (DESIGN.md §2; the index-by-natural-key approach of
 * ovn-controller-vtep's vtep_macs_run).
 *
 * Natural keys: (logical switch, MAC) for Ucast_Macs_Remote; (encapsulation, dst_ip,
 * tunnel_key) for Physical_Locator, which has that unique index; one
 * Mcast_Macs_Remote "unknown-dst" per logical switch whose Physical_Locator_Set is
 * immutable, so a new membership is a new set. A row whose locator or ipaddr changed
 * is updated in place (a moved MAC keeps its row). Locators are reused, never
 * duplicated, never deleted (ovsdb-server collects unreferenced ones at commit, so a
 * new locator goes in the same transaction as the rows referencing it). Deletes only
 * when the caller allows them (after a complete snapshot and End-of-RIB).
 *
 * Pure: no I/O. The writer (../writer.ts) runs the batches.
 */
import type { McastMacsRemoteRow, PhysicalLocatorRow, PhysicalLocatorSetRow, UcastMacsRemoteRow } from '../ovsdb/vtep-schema.js';

export const ENCAPSULATION = 'vxlan_over_ipv4';
export const UNKNOWN_DST = 'unknown-dst';

export interface Locator {
  dstIp: string;
  /** Only when the remote VNI differs from the logical switch's tunnel_key (DESIGN.md §2). */
  tunnelKey?: number;
}

export interface RemoteMacInput extends Locator {
  /** lower-case aa:bb:cc:dd:ee:ff */
  mac: string;
  /** Logical_Switch uuid */
  logicalSwitch: string;
  /** IPv4 text for ARP suppression, when known */
  ipaddr?: string;
  source: 'bgp' | 'manual';
}

export interface FloodInput extends Locator {
  logicalSwitch: string;
}

export interface DesiredMac {
  mac: string;
  logicalSwitch: string;
  ipaddr: string;
  locator: Locator;
  source: 'bgp' | 'manual';
}

export interface DesiredState {
  /** Logical switches whose remote rows this speaker owns. */
  logicalSwitches: ReadonlySet<string>;
  /** by macKey(ls, mac) */
  macs: Map<string, DesiredMac>;
  /** by logical switch uuid: sorted, unique */
  floods: Map<string, Locator[]>;
}

export interface ObservedState {
  ucast: ReadonlyMap<string, UcastMacsRemoteRow>;
  mcast: ReadonlyMap<string, McastMacsRemoteRow>;
  locators: ReadonlyMap<string, PhysicalLocatorRow>;
  locatorSets: ReadonlyMap<string, PhysicalLocatorSetRow>;
}

export function macKey(ls: string, mac: string): string {
  return `${ls}/${mac}`;
}

export function locatorKey(l: Locator): string {
  return l.tunnelKey === undefined ? l.dstIp : `${l.dstIp}#${l.tunnelKey}`;
}

function rowLocatorKey(row: PhysicalLocatorRow): string {
  return row.tunnel_key === null ? row.dst_ip : `${row.dst_ip}#${row.tunnel_key}`;
}

/** Manual entries win over BGP ones for the same (MAC, logical switch). */
export function desired(logicalSwitches: ReadonlySet<string>, macs: Iterable<RemoteMacInput>, floods: Iterable<FloodInput>): DesiredState {
  const out = new Map<string, DesiredMac>();
  for (const m of macs) {
    if (!logicalSwitches.has(m.logicalSwitch)) continue;
    const key = macKey(m.logicalSwitch, m.mac);
    const prev = out.get(key);
    if (prev && prev.source === 'manual' && m.source === 'bgp') continue;
    const locator: Locator = m.tunnelKey === undefined ? { dstIp: m.dstIp } : { dstIp: m.dstIp, tunnelKey: m.tunnelKey };
    out.set(key, { mac: m.mac, logicalSwitch: m.logicalSwitch, ipaddr: m.ipaddr ?? '', locator, source: m.source });
  }
  const byLs = new Map<string, Map<string, Locator>>();
  for (const f of floods) {
    if (!logicalSwitches.has(f.logicalSwitch)) continue;
    let set = byLs.get(f.logicalSwitch);
    if (!set) byLs.set(f.logicalSwitch, (set = new Map()));
    set.set(locatorKey(f), f.tunnelKey === undefined ? { dstIp: f.dstIp } : { dstIp: f.dstIp, tunnelKey: f.tunnelKey });
  }
  const floodsOut = new Map<string, Locator[]>();
  for (const [ls, set] of byLs) floodsOut.set(ls, [...set.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, l]) => l));
  return { logicalSwitches, macs: out, floods: floodsOut };
}

export type Change =
  | { kind: 'ucast-insert'; mac: string; logicalSwitch: string; ipaddr: string; locator: Locator }
  | { kind: 'ucast-update'; uuid: string; ipaddr: string; locator: Locator }
  | { kind: 'ucast-delete'; uuid: string }
  | { kind: 'flood-set'; logicalSwitch: string; mcastUuid?: string; locators: Locator[] }
  | { kind: 'mcast-delete'; uuid: string };

/** Locator natural key → uuid, from the observed rows (the first of any duplicates). */
export function locatorIndex(observed: ObservedState): Map<string, string> {
  const index = new Map<string, string>();
  for (const [uuid, row] of observed.locators) {
    if (row.encapsulation_type !== ENCAPSULATION) continue;
    const key = rowLocatorKey(row);
    if (!index.has(key)) index.set(key, uuid);
  }
  return index;
}

/** The changes that turn `observed` into `want` for the managed logical switches. */
export function diff(want: DesiredState, observed: ObservedState, opts: { allowDeletes: boolean }): Change[] {
  const changes: Change[] = [];
  const locKeyOf = (uuid: string): string | undefined => {
    const row = observed.locators.get(uuid);
    return row ? rowLocatorKey(row) : undefined;
  };
  const seen = new Set<string>();
  for (const [uuid, row] of observed.ucast) {
    if (!want.logicalSwitches.has(row.logical_switch)) continue;
    const key = macKey(row.logical_switch, row.MAC.toLowerCase());
    const d = want.macs.get(key);
    if (!d || seen.has(key)) {
      // not wanted, or a duplicate row for the same natural key
      if (opts.allowDeletes) changes.push({ kind: 'ucast-delete', uuid });
      continue;
    }
    seen.add(key);
    if (locKeyOf(row.locator) !== locatorKey(d.locator) || row.ipaddr !== d.ipaddr) {
      changes.push({ kind: 'ucast-update', uuid, ipaddr: d.ipaddr, locator: d.locator });
    }
  }
  for (const [key, d] of want.macs) {
    if (!seen.has(key)) changes.push({ kind: 'ucast-insert', mac: d.mac, logicalSwitch: d.logicalSwitch, ipaddr: d.ipaddr, locator: d.locator });
  }
  const mcastSeen = new Set<string>();
  for (const [uuid, row] of observed.mcast) {
    if (!want.logicalSwitches.has(row.logical_switch) || row.MAC !== UNKNOWN_DST) continue;
    const ls = row.logical_switch;
    const wantSet = want.floods.get(ls);
    if (!wantSet || wantSet.length === 0 || mcastSeen.has(ls)) {
      if (opts.allowDeletes) changes.push({ kind: 'mcast-delete', uuid });
      continue;
    }
    mcastSeen.add(ls);
    const have = (observed.locatorSets.get(row.locator_set)?.locators ?? []).map(locKeyOf).sort();
    const wantKeys = wantSet.map(locatorKey);
    const same = have.length === wantKeys.length && have.every((k, i) => k === wantKeys[i]);
    if (!same) {
      // Removing a member only narrows flooding; adding one must not wait for deletes.
      const narrowing = have.length > wantKeys.length && wantKeys.every((k) => have.includes(k));
      if (!narrowing || opts.allowDeletes) changes.push({ kind: 'flood-set', logicalSwitch: ls, mcastUuid: uuid, locators: wantSet });
    }
  }
  for (const [ls, locators] of want.floods) {
    if (locators.length > 0 && !mcastSeen.has(ls)) changes.push({ kind: 'flood-set', logicalSwitch: ls, locators });
  }
  return changes;
}

// ---------------------------------------------------------------- batches

export interface Batch {
  ops: object[];
  /** op index of each locator insert → its natural key (to learn the uuid from the result) */
  locatorInserts: Map<number, string>;
  /** rows this batch writes (inserts, updates, deletes; locators and sets included) */
  rows: number;
}

function rowsOf(c: Change): number {
  return c.kind === 'flood-set' ? 2 : 1;
}

/**
 * Cuts changes into transactions of at most `maxRows` rows (plus the locators they
 * need). A locator missing from `resolved` is inserted, with a uuid-name, in the first
 * batch that needs it; the caller adds the committed uuid to `resolved` before asking
 * for the next batch, so it is never inserted twice.
 */
export class BatchPlanner {
  private cursor = 0;

  constructor(
    private readonly changes: readonly Change[],
    private readonly resolved: Map<string, string>,
    private readonly maxRows: number,
    private readonly lock?: string,
  ) {}

  get done(): boolean {
    return this.cursor >= this.changes.length;
  }

  next(): Batch | undefined {
    if (this.done) return undefined;
    const ops: object[] = [];
    if (this.lock) ops.push({ op: 'assert', lock: this.lock });
    const locatorInserts = new Map<number, string>();
    const named = new Map<string, string>();
    let rows = 0;
    const ref = (l: Locator): unknown[] => {
      const key = locatorKey(l);
      const uuid = this.resolved.get(key);
      if (uuid) return ['uuid', uuid];
      let name = named.get(key);
      if (!name) {
        name = `loc${named.size}`;
        named.set(key, name);
        locatorInserts.set(ops.length, key);
        ops.push({
          op: 'insert',
          table: 'Physical_Locator',
          'uuid-name': name,
          row: { encapsulation_type: ENCAPSULATION, dst_ip: l.dstIp, tunnel_key: l.tunnelKey === undefined ? ['set', []] : l.tunnelKey },
        });
        rows++;
      }
      return ['named-uuid', name];
    };
    let sets = 0;
    while (this.cursor < this.changes.length && (rows === 0 || rows + rowsOf(this.changes[this.cursor]) <= this.maxRows)) {
      const c = this.changes[this.cursor++];
      switch (c.kind) {
        case 'ucast-insert':
          ops.push({ op: 'insert', table: 'Ucast_Macs_Remote', row: { MAC: c.mac, logical_switch: ['uuid', c.logicalSwitch], locator: ref(c.locator), ipaddr: c.ipaddr } });
          break;
        case 'ucast-update':
          ops.push({ op: 'update', table: 'Ucast_Macs_Remote', where: [['_uuid', '==', ['uuid', c.uuid]]], row: { locator: ref(c.locator), ipaddr: c.ipaddr } });
          break;
        case 'ucast-delete':
          ops.push({ op: 'delete', table: 'Ucast_Macs_Remote', where: [['_uuid', '==', ['uuid', c.uuid]]] });
          break;
        case 'flood-set': {
          const setName = `set${sets++}`;
          ops.push({ op: 'insert', table: 'Physical_Locator_Set', 'uuid-name': setName, row: { locators: ['set', c.locators.map(ref)] } });
          if (c.mcastUuid) {
            ops.push({ op: 'update', table: 'Mcast_Macs_Remote', where: [['_uuid', '==', ['uuid', c.mcastUuid]]], row: { locator_set: ['named-uuid', setName] } });
          } else {
            ops.push({ op: 'insert', table: 'Mcast_Macs_Remote', row: { MAC: UNKNOWN_DST, logical_switch: ['uuid', c.logicalSwitch], locator_set: ['named-uuid', setName], ipaddr: '' } });
          }
          break;
        }
        case 'mcast-delete':
          ops.push({ op: 'delete', table: 'Mcast_Macs_Remote', where: [['_uuid', '==', ['uuid', c.uuid]]] });
          break;
      }
      rows += rowsOf(c);
    }
    return { ops, locatorInserts, rows };
  }
}
