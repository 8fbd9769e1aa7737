/**
 * The observed Ucast_Macs_Remote rows by natural key: logical switch, then
 * MAC (compared in lower case), for the managed logical switches; and, over
 * every row, how many name each locator (a locator no row names any more is
 * collected by the server at commit, see diff.ts bundles).
 *
 * Built from a monitor cache in one pass, then kept up to date row by row
 * from the monitor's changes (`update`), so that a diff over a few MACs need
 * not scan the table. Pure: no I/O.
 */
import type { ObservedState } from './types.js';

/** One uuid per MAC is the rule; a list only for duplicate rows. */
export type UcastRows = string | string[];

const UPPER = /[A-F]/;

/** MACs as written by others may be upper case; ours are lower case already (no copy then). */
function lowerMac(mac: string): string {
  return UPPER.test(mac) ? mac.toLowerCase() : mac;
}

interface RowKey {
  ls: string;
  mac: string;
  locator: string;
}

export class UcastIndex {
  private readonly byLs = new Map<string, Map<string, UcastRows>>();
  private readonly keys = new Map<string, RowKey>();
  private readonly locatorRefs = new Map<string, number>();

  /** `switches`: the managed logical switches; rows of others only count as locator references. */
  constructor(readonly switches: ReadonlySet<string>, seen: ObservedState) {
    for (const [uuid, row] of seen.ucastRemote) this.add(uuid, row.logical_switch, row.MAC, row.locator);
  }

  /** The rows of (logical switch, lower-case MAC). */
  get(ls: string, mac: string): UcastRows | undefined {
    return this.byLs.get(ls)?.get(mac);
  }

  /** Every indexed MAC of the managed logical switches. */
  entries(): IterableIterator<[string, ReadonlyMap<string, UcastRows>]> {
    return this.byLs.entries();
  }

  /** Rows (of any logical switch) that name this locator. */
  refs(locator: string): number {
    return this.locatorRefs.get(locator) ?? 0;
  }

  /** Re-read one row from the cache after a monitor change: inserted, changed or gone. */
  update(uuid: string, seen: ObservedState): void {
    const row = seen.ucastRemote.get(uuid);
    const old = this.keys.get(uuid);
    if (old && row && old.ls === row.logical_switch && old.mac === lowerMac(row.MAC) && old.locator === row.locator) return;
    if (old) this.remove(uuid, old);
    if (row) this.add(uuid, row.logical_switch, row.MAC, row.locator);
  }

  private add(uuid: string, ls: string, rawMac: string, locator: string): void {
    const mac = lowerMac(rawMac);
    this.keys.set(uuid, { ls, mac, locator });
    this.locatorRefs.set(locator, (this.locatorRefs.get(locator) ?? 0) + 1);
    if (!this.switches.has(ls)) return;
    let macs = this.byLs.get(ls);
    if (macs === undefined) this.byLs.set(ls, (macs = new Map()));
    const prev = macs.get(mac);
    if (prev === undefined) macs.set(mac, uuid);
    else if (typeof prev === 'string') macs.set(mac, [prev, uuid]);
    else prev.push(uuid);
  }

  private remove(uuid: string, k: RowKey): void {
    this.keys.delete(uuid);
    const n = (this.locatorRefs.get(k.locator) ?? 1) - 1;
    if (n > 0) this.locatorRefs.set(k.locator, n);
    else this.locatorRefs.delete(k.locator);
    const macs = this.byLs.get(k.ls);
    const prev = macs?.get(k.mac);
    if (!macs || prev === undefined) return;
    if (typeof prev === 'string') {
      if (prev === uuid) macs.delete(k.mac);
      return;
    }
    const rest = prev.filter((u) => u !== uuid);
    macs.set(k.mac, rest.length === 1 ? rest[0] : rest);
  }
}
