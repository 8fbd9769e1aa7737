/**
 * Desired vs observed hardware_vtep remote rows (schema 1.7.0, DESIGN.md §2),
 * after ovn-controller-vtep's vtep_macs_run: index existing rows by natural
 * key, keep or change each desired row, delete what is left.
 *
 * - A Ucast_Macs_Remote row whose locator or ipaddr differs is updated in
 *   place (a MAC moving between remote VTEPs keeps its row uuid).
 * - Physical_Locator rows are reused by their unique index (encapsulation,
 *   dst_ip, tunnel_key) and inserted only when none exists; they are never
 *   deleted (not a root table: the server collects unreferenced ones).
 * - Physical_Locator_Set.locators is immutable: a changed flood list points
 *   the unknown-dst row at an existing set with exactly the wanted members,
 *   or at a new one. Before deletes are allowed a flood set only grows.
 * - Extra rows (undesired, duplicates, other Mcast MACs) are deleted only when
 *   `allowDeletes` (DESIGN §2: not before a complete snapshot and End-of-RIB).
 * - Rows of logical switches outside `desired.switches` are never touched;
 *   desired rows of a logical switch missing from the database are left out
 *   (the insert would fail referential integrity).
 * - `diffMacs` is the same diff for a few MACs (Ucast rows only), looking
 *   their rows up in a UcastIndex instead of scanning the table.
 */
import { ENCAPSULATION, UNKNOWN_DST, locatorKey } from './types.js';
import { UcastIndex } from './ucast-index.js';
import type { UcastRows } from './ucast-index.js';
import type {
  Change,
  DesiredLocator,
  DesiredState,
  DesiredUcast,
  LocatorKey,
  LocatorRef,
  ObservedState,
  ReconcileDiff,
  SetRef,
} from './types.js';

export interface DiffOptions {
  allowDeletes: boolean;
}

/** Existing locators by key and back; new ones are collected as changes name them. */
class Locators {
  readonly byKey = new Map<LocatorKey, string>();
  readonly keyOf = new Map<string, LocatorKey>();
  readonly inserted = new Map<LocatorKey, DesiredLocator>();

  constructor(seen: ObservedState) {
    for (const [uuid, l] of seen.locators) {
      if (l.encapsulation_type !== ENCAPSULATION) continue;
      const k = locatorKey(l.dst_ip, l.tunnel_key);
      this.byKey.set(k, uuid);
      this.keyOf.set(uuid, k);
    }
  }

  ref(loc: DesiredLocator): LocatorRef {
    const uuid = this.byKey.get(loc.key);
    if (uuid !== undefined) return { uuid };
    this.inserted.set(loc.key, loc);
    return { insert: loc };
  }
}

interface Changes {
  inserts: Change[];
  updates: Change[];
  extras: Change[];
}

/** The diff's changes in commit order; extras only when deletes are allowed, else counted as held. */
function result(out: Changes, seen: ObservedState, index: UcastIndex, locs: Locators, options: DiffOptions, missingSwitch: number): ReconcileDiff {
  const changes = options.allowDeletes ? [...out.inserts, ...out.updates, ...out.extras] : [...out.inserts, ...out.updates];
  return { changes, bundles: bundles(changes, seen, index), newLocators: locs.inserted, deletesHeld: options.allowDeletes ? 0 : out.extras.length, missingSwitch };
}

/**
 * One MAC of one logical switch: its desired row (if any) against the rows
 * seen for it. A row whose locator or ipaddr differs is updated in place;
 * of duplicates the one already right is kept, the rest are extras.
 */
function ucastChanges(d: DesiredUcast | undefined, found: UcastRows | undefined, seen: ObservedState, locs: Locators, out: Changes): void {
  if (found === undefined) {
    if (d) out.inserts.push({ kind: 'insert-ucast', mac: d.mac, logicalSwitch: d.logicalSwitch, ipaddr: d.ipaddr, locator: locs.ref(d.locator) });
    return;
  }
  if (!d) {
    if (typeof found === 'string') out.extras.push({ kind: 'delete-ucast', uuid: found });
    else for (const u of found) out.extras.push({ kind: 'delete-ucast', uuid: u });
    return;
  }
  let keep: string;
  if (typeof found === 'string') keep = found;
  else {
    keep = found.find((u) => {
      const r = seen.ucastRemote.get(u);
      return r !== undefined && locs.keyOf.get(r.locator) === d.locator.key && r.ipaddr === d.ipaddr;
    }) ?? found[0];
    for (const u of found) if (u !== keep) out.extras.push({ kind: 'delete-ucast', uuid: u });
  }
  const row = seen.ucastRemote.get(keep);
  if (!row) return;
  const locChanged = locs.keyOf.get(row.locator) !== d.locator.key;
  const ipChanged = row.ipaddr !== d.ipaddr;
  if (locChanged || ipChanged) {
    const c: Extract<Change, { kind: 'update-ucast' }> = { kind: 'update-ucast', uuid: keep, mac: d.mac, logicalSwitch: d.logicalSwitch };
    if (locChanged) c.locator = locs.ref(d.locator);
    if (ipChanged) c.ipaddr = d.ipaddr;
    out.updates.push(c);
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * The whole remote side. `index`, when it indexes the same logical switches
 * and the same rows as `seen`, saves building one.
 */
export function diff(want: DesiredState, seen: ObservedState, options: DiffOptions, index?: UcastIndex): ReconcileDiff {
  const locs = new Locators(seen);
  const idx = index && sameSet(index.switches, want.switches) ? index : new UcastIndex(want.switches, seen);
  const out: Changes = { inserts: [], updates: [], extras: [] };
  const { inserts, updates, extras } = out;
  let missingSwitch = 0;
  const keyByLoc = locs.keyOf;

  // Ucast_Macs_Remote: each wanted MAC, then the rows of MACs not wanted.
  for (const [ls, wanted] of want.ucast) {
    if (!seen.logicalSwitches.has(ls)) {
      missingSwitch += wanted.size;
      continue;
    }
    for (const [mac, d] of wanted) ucastChanges(d, idx.get(ls, mac), seen, locs, out);
  }
  for (const [ls, macs] of idx.entries()) {
    const wanted = seen.logicalSwitches.has(ls) ? want.ucast.get(ls) : undefined;
    for (const [mac, found] of macs) if (!wanted?.has(mac)) ucastChanges(undefined, found, seen, locs, out);
  }

  // Mcast_Macs_Remote: one unknown-dst row per logical switch (hardware_vtep(5)).
  const members = (setUuid: string): string | undefined => {
    const s = seen.locatorSets.get(setUuid);
    if (!s) return undefined;
    const keys: LocatorKey[] = [];
    for (const l of s.locators) {
      const k = keyByLoc.get(l);
      if (k === undefined) return undefined;
      keys.push(k);
    }
    return [...new Set(keys)].sort().join(',');
  };
  const setByMembers = new Map<string, string>();
  for (const uuid of seen.locatorSets.keys()) {
    const m = members(uuid);
    if (m !== undefined && !setByMembers.has(m)) setByMembers.set(m, uuid);
  }
  const mcastSeen = new Map<string, string[]>();
  for (const [uuid, row] of seen.mcastRemote) {
    if (!want.switches.has(row.logical_switch)) continue;
    if (row.MAC !== UNKNOWN_DST) {
      extras.push({ kind: 'delete-mcast', uuid });
      continue;
    }
    const list = mcastSeen.get(row.logical_switch);
    if (list) list.push(uuid);
    else mcastSeen.set(row.logical_switch, [uuid]);
  }
  for (const [ls, d] of want.mcast) {
    if (!seen.logicalSwitches.has(ls)) {
      missingSwitch++;
      continue;
    }
    const uuids = mcastSeen.get(ls) ?? [];
    mcastSeen.delete(ls);
    const setOf = (u: string): string | undefined => {
      const r = seen.mcastRemote.get(u);
      return r === undefined ? undefined : members(r.locator_set);
    };
    const exact = d.locators.map((l) => l.key).join(',');
    const keep = uuids.find((u) => setOf(u) === exact) ?? uuids[0];
    for (const u of uuids) if (u !== keep) extras.push({ kind: 'delete-mcast', uuid: u });
    // Before deletes are allowed a flood list only grows: members not (yet)
    // wanted stay, so an incomplete RIB does not cut BUM traffic (DESIGN §2).
    const flood = new Map(d.locators.map((l) => [l.key, l]));
    const keptRow = keep === undefined ? undefined : seen.mcastRemote.get(keep);
    if (!options.allowDeletes && keptRow) {
      for (const l of seen.locatorSets.get(keptRow.locator_set)?.locators ?? []) {
        const row = seen.locators.get(l);
        const k = keyByLoc.get(l);
        if (row && k !== undefined && !flood.has(k)) flood.set(k, { key: k, dstIp: row.dst_ip, tunnelKey: row.tunnel_key });
      }
    }
    const keys = [...flood.keys()].sort();
    const wanted = keys.join(',');
    const existing = setByMembers.get(wanted);
    const set = (): SetRef => (existing !== undefined ? { uuid: existing } : { insert: keys.map((k) => locs.ref(flood.get(k) as DesiredLocator)) });
    if (keep === undefined) inserts.push({ kind: 'insert-mcast', logicalSwitch: ls, set: set() });
    else if (setOf(keep) !== wanted) updates.push({ kind: 'update-mcast', uuid: keep, logicalSwitch: ls, set: set() });
  }
  // An empty flood list means no unknown-dst row at all.
  for (const uuids of mcastSeen.values()) for (const u of uuids) extras.push({ kind: 'delete-mcast', uuid: u });

  return result(out, seen, idx, locs, options, missingSwitch);
}

/**
 * The same diff for the given MACs only (by logical switch), their rows
 * looked up in `index`, which must show every row of `seen`: Ucast rows
 * only, flood sets untouched. `want` holds the desired rows of these MACs.
 * `found` counts the MACs that had rows (for the caller's row count).
 */
export function diffMacs(
  want: DesiredState, seen: ObservedState, macs: ReadonlyMap<string, ReadonlySet<string>>, index: UcastIndex, options: DiffOptions,
): ReconcileDiff & { found: number } {
  const locs = new Locators(seen);
  const out: Changes = { inserts: [], updates: [], extras: [] };
  let missingSwitch = 0;
  let found = 0;
  for (const [ls, set] of macs) {
    if (!want.switches.has(ls)) continue;
    const wanted = want.ucast.get(ls);
    if (!seen.logicalSwitches.has(ls)) {
      missingSwitch += wanted?.size ?? 0;
      continue;
    }
    for (const mac of set) {
      const rows = index.get(ls, mac);
      if (rows !== undefined) found++;
      ucastChanges(wanted?.get(mac), rows, seen, locs, out);
    }
  }
  return { ...result(out, seen, index, locs, options, missingSwitch), found };
}

/**
 * Changes that must share a transaction. Physical_Locator and
 * Physical_Locator_Set are not root tables: a row left without references is
 * collected at commit. When the plan drops every reference we can see to an
 * existing locator or set while another change names it by uuid, both go in
 * one transaction, else a later batch would name a collected row. References
 * we cannot see (local tables) only keep rows alive, so counting the visible
 * ones is conservative; a set no remote row references is assumed kept.
 */
function bundles(changes: readonly Change[], seen: ObservedState, index: UcastIndex): number[][] {
  // References from the Mcast rows and sets, counted here (small tables);
  // those from Ucast rows come from the index. `refs` also holds the releases.
  const refs = new Map<string, number>();
  const bump = (u: string, n: number): void => {
    refs.set(u, (refs.get(u) ?? 0) + n);
  };
  const count = (u: string): number => (refs.get(u) ?? 0) + index.refs(u);
  for (const r of seen.mcastRemote.values()) bump(r.locator_set, 1);
  for (const [uuid, set] of seen.locatorSets) {
    const pinned = !refs.has(uuid);
    for (const l of new Set(set.locators)) bump(l, pinned ? Infinity : 1);
  }
  const releasers = new Map<string, number[]>();
  const release = (u: string, by: readonly number[]): void => {
    bump(u, -1);
    const list = releasers.get(u);
    if (list) list.push(...by);
    else releasers.set(u, [...by]);
    // A set that loses its last reference releases its locators.
    const set = seen.locatorSets.get(u);
    if (set && count(u) === 0) for (const l of new Set(set.locators)) release(l, releasers.get(u) ?? by);
  };
  const users = new Map<string, number[]>();
  const use = (u: string, i: number): void => {
    const list = users.get(u);
    if (list) list.push(i);
    else users.set(u, [i]);
  };
  const useSet = (s: SetRef, i: number): void => {
    if ('uuid' in s) use(s.uuid, i);
    else for (const r of s.insert) if ('uuid' in r) use(r.uuid, i);
  };
  const releaseOld = (old: string | undefined, i: number): void => {
    if (old !== undefined) release(old, [i]);
  };
  changes.forEach((c, i) => {
    switch (c.kind) {
      case 'insert-ucast':
        if ('uuid' in c.locator) use(c.locator.uuid, i);
        break;
      case 'update-ucast':
        if (c.locator) {
          releaseOld(seen.ucastRemote.get(c.uuid)?.locator, i);
          if ('uuid' in c.locator) use(c.locator.uuid, i);
        }
        break;
      case 'delete-ucast':
        releaseOld(seen.ucastRemote.get(c.uuid)?.locator, i);
        break;
      case 'insert-mcast':
        useSet(c.set, i);
        break;
      case 'update-mcast':
        releaseOld(seen.mcastRemote.get(c.uuid)?.locator_set, i);
        useSet(c.set, i);
        break;
      case 'delete-mcast':
        releaseOld(seen.mcastRemote.get(c.uuid)?.locator_set, i);
        break;
    }
  });
  // Union-find over change indexes.
  const parent = changes.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  let any = false;
  for (const [u, list] of users) {
    if (count(u) > 0) continue;
    const members = [...list, ...(releasers.get(u) ?? [])];
    for (const j of members) parent[find(j)] = find(members[0]);
    any = true;
  }
  if (!any) return [];
  const groups = new Map<number, number[]>();
  changes.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}
