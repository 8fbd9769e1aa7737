/**
 * The observed Ucast_Macs_Remote rows by natural key: logical switch, then
 * MAC (compared in lower case), for the managed logical switches; and, over
 * every row, how many name each locator (a locator no row names any more is
 * collected by the server at commit, see diff.ts bundles).
 *
 * Built from a monitor cache in one pass, then kept up to date row by row
 * from the monitor's changes (`change`, with the row before and after), so
 * that a diff over a few MACs need not scan the table. Pure: no I/O.
 */
import type { ObservedState, ObservedUcast } from './types.js';

/** The columns of a Ucast_Macs_Remote row the index keys on. */
export type UcastKeyRow = Pick<ObservedUcast, 'MAC' | 'logical_switch' | 'locator'>;

/** One uuid per MAC is the rule; a list only for duplicate rows. */
export type UcastRows = string | string[];

const UPPER = /[A-F]/;

/** MACs as written by others may be upper case; ours are lower case already (no copy then). */
function lowerMac(mac: string): string {
  return UPPER.test(mac) ? mac.toLowerCase() : mac;
}

export class UcastIndex {
  private readonly byLs = new Map<string, Map<string, UcastRows>>();
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

  /**
   * Follow one monitor change of a Ucast_Macs_Remote row: `old` is the row
   * before (absent for an insert), `next` the row after (absent for a delete).
   */
  change(uuid: string, old: UcastKeyRow | undefined, next: UcastKeyRow | undefined): void {
    if (old && next && old.logical_switch === next.logical_switch && old.MAC === next.MAC && old.locator === next.locator) return;
    if (old) this.remove(uuid, old.logical_switch, old.MAC, old.locator);
    if (next) this.add(uuid, next.logical_switch, next.MAC, next.locator);
  }

  private add(uuid: string, ls: string, rawMac: string, locator: string): void {
    this.locatorRefs.set(locator, (this.locatorRefs.get(locator) ?? 0) + 1);
    if (!this.switches.has(ls)) return;
    const mac = lowerMac(rawMac);
    let macs = this.byLs.get(ls);
    if (macs === undefined) this.byLs.set(ls, (macs = new Map()));
    const prev = macs.get(mac);
    if (prev === undefined) macs.set(mac, uuid);
    else if (typeof prev === 'string') macs.set(mac, [prev, uuid]);
    else prev.push(uuid);
  }

  private remove(uuid: string, ls: string, rawMac: string, locator: string): void {
    const n = (this.locatorRefs.get(locator) ?? 1) - 1;
    if (n > 0) this.locatorRefs.set(locator, n);
    else this.locatorRefs.delete(locator);
    const macs = this.byLs.get(ls);
    if (!macs) return;
    const mac = lowerMac(rawMac);
    const prev = macs.get(mac);
    if (prev === undefined) return;
    if (typeof prev === 'string') {
      if (prev === uuid) macs.delete(mac);
      return;
    }
    const rest = prev.filter((u) => u !== uuid);
    macs.set(mac, rest.length === 1 ? rest[0] : rest);
  }
}
