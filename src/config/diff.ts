/**
 * What a reload changes (SIGHUP, DESIGN.md §4): peers by address, EVIs by VNI
 * and VTEPs by switch name, added / removed / changed with the keys that
 * differ, plus every other key path whose value differs. Handlers act on the
 * parts they own and leave the rest untouched (a changed peer is reset, the
 * others keep their sessions).
 */
import type { Config, EviConfig, PeerConfig, VtepConfig } from './types.js';

export interface Changed<T> {
  before: T;
  after: T;
  /** Keys whose values differ, e.g. ["hold_time", "passive"]. */
  keys: string[];
}

export interface SetDiff<T> {
  added: T[];
  removed: T[];
  changed: Changed<T>[];
}

export interface ConfigDiff {
  peers: SetDiff<PeerConfig>;
  evis: SetDiff<EviConfig>;
  vteps: SetDiff<VtepConfig>;
  /** Other key paths that differ: router_id, local_as, bgp.listen, bgp.hold_time, bgp.connect_retry, evpn.auto_vni, config_db, data_dir, api, log_level. */
  keys: string[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function changedKeys<T extends object>(a: T, b: T): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])).sort();
}

function diffSet<T extends object>(before: readonly T[], after: readonly T[], id: (item: T) => string): SetDiff<T> {
  const old = new Map(before.map((item) => [id(item), item]));
  const next = new Map(after.map((item) => [id(item), item]));
  const out: SetDiff<T> = { added: [], removed: [], changed: [] };
  for (const [k, item] of next) {
    const prev = old.get(k);
    if (prev === undefined) out.added.push(item);
    else {
      const keys = changedKeys(prev, item);
      if (keys.length > 0) out.changed.push({ before: prev, after: item, keys });
    }
  }
  for (const [k, item] of old) if (!next.has(k)) out.removed.push(item);
  return out;
}

export function diffConfig(before: Config, after: Config): ConfigDiff {
  const scalars: Array<[string, unknown, unknown]> = [
    ['router_id', before.router_id, after.router_id],
    ['local_as', before.local_as, after.local_as],
    ['bgp.listen', before.bgp.listen, after.bgp.listen],
    ['bgp.hold_time', before.bgp.hold_time, after.bgp.hold_time],
    ['bgp.connect_retry', before.bgp.connect_retry, after.bgp.connect_retry],
    ['evpn.auto_vni', before.evpn.auto_vni, after.evpn.auto_vni],
    ['config_db', before.config_db, after.config_db],
    ['data_dir', before.data_dir, after.data_dir],
    ['api', before.api, after.api],
    ['log_level', before.log_level, after.log_level],
  ];
  return {
    // Addresses are canonical text (parse.ts), so string identity is address identity.
    peers: diffSet(before.bgp.peers, after.bgp.peers, (p) => p.address),
    evis: diffSet(before.evpn.vnis, after.evpn.vnis, (e) => String(e.vni)),
    vteps: diffSet(before.vteps, after.vteps, (t) => t.switch),
    keys: scalars.filter(([, a, b]) => !same(a, b)).map(([k]) => k),
  };
}

export function isEmptyDiff(d: ConfigDiff): boolean {
  const empty = (s: SetDiff<unknown>): boolean => s.added.length + s.removed.length + s.changed.length === 0;
  return empty(d.peers) && empty(d.evis) && empty(d.vteps) && d.keys.length === 0;
}

/** One line per change, for the reload log entry: "peer 127.0.0.2 added", "evi 5000 changed (rd)". */
export function describeDiff(d: ConfigDiff): string[] {
  const lines: string[] = [];
  const list = <T>(what: string, s: SetDiff<T>, id: (item: T) => string): void => {
    for (const item of s.added) lines.push(`${what} ${id(item)} added`);
    for (const item of s.removed) lines.push(`${what} ${id(item)} removed`);
    for (const c of s.changed) lines.push(`${what} ${id(c.after)} changed (${c.keys.join(', ')})`);
  };
  list('peer', d.peers, (p) => p.address);
  list('evi', d.evis, (e) => String(e.vni));
  list('vtep', d.vteps, (t) => t.switch);
  for (const k of d.keys) lines.push(`${k} changed`);
  return lines;
}
