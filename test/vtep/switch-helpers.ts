// Helpers for tests of the VTEP switch driver against a real ovsdb-server:
// vtep-ctl set-up, RIB deltas built by hand, and the remote tables read back
// with ovsdb-client (never through the code under test).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseIp, parseMac } from '../../src/evpn/addr.js';
import type { RibDelta } from '../../src/evpn/rib/rib.js';
import type { OvsdbServer } from '../support/ovsdb-server.js';

const run = promisify(execFile);

/** A test's ovsdb-server (reached on its unix socket), or any OVSDB remote such as `tcp:127.0.0.1:PORT`. */
export type VtepDb = OvsdbServer | string;

const remoteOf = (db: VtepDb): string => (typeof db === 'string' ? db : db.unixRemote);

/** Runs vtep-ctl against `db`; its stdout. A failing command rejects with its stderr. */
export async function vtepCtl(db: VtepDb, ...args: string[]): Promise<string> {
  return (await run('vtep-ctl', [`--db=${remoteOf(db)}`, ...args])).stdout;
}

/** A physical switch with a tunnel IP and logical switches (name → VNI), in one vtep-ctl transaction. */
export async function setUpSwitch(db: VtepDb, ps: string, tunnelIp: string, lss: Record<string, number>): Promise<void> {
  const logicalSwitches = Object.entries(lss).flatMap(([name, vni]) => ['--', 'add-ls', name, '--', 'set', 'Logical_Switch', name, `tunnel_key=${vni}`]);
  await vtepCtl(db, 'add-ps', ps, '--', 'set', 'Physical_Switch', ps, `tunnel_ips=${tunnelIp}`, ...logicalSwitches);
}

export interface Type2Opts {
  op?: 'added' | 'changed' | 'removed';
  /** label1, default the EVI's VNI */
  label?: number;
  ip?: string;
  local?: boolean;
}

export function type2(vni: number, mac: string, nextHop: string, o: Type2Opts = {}): RibDelta {
  const m = parseMac(mac) as number;
  const op = o.op ?? 'added';
  if (op === 'removed') return { type: 2, op, vni, mac: m };
  const best: Extract<RibDelta, { type: 2 }>['best'] = {
    mac: m, vni: o.label ?? vni, rd: '192.0.2.1:1', esi: '00000000000000000000', seq: 0, sticky: false,
    local: o.local ?? false, nextHop: parseIp(nextHop), peer: '127.0.0.1',
  };
  if (o.ip !== undefined) best.ip = parseIp(o.ip);
  return { type: 2, op, vni, mac: m, best };
}

export function type3(vni: number, originator: string, o: { op?: 'added' | 'changed' | 'removed'; label?: number; endpoint?: string } = {}): RibDelta {
  const op = o.op ?? 'added';
  if (op === 'removed') return { type: 3, op, vni, originator };
  const orig = parseIp(originator);
  const endpoint = parseIp(o.endpoint ?? originator);
  if (!orig || !endpoint) throw new Error(`bad address ${originator}`);
  return { type: 3, op, vni, originator, best: { originator: orig, endpoint, vni: o.label ?? vni, peer: '127.0.0.1', tunnelType: 6 } };
}

export interface RemoteRows {
  /** Logical_Switch name → uuid */
  ls: Map<string, string>;
  ucast: { uuid: string; mac: string; ls: string; ipaddr: string; locator: string }[];
  mcast: { uuid: string; mac: string; ls: string; set: string }[];
  locators: Map<string, { dstIp: string; tunnelKey: number | null }>;
  sets: Map<string, string[]>;
}

type Json = unknown;
const uuidOf = (v: Json): string => (v as [string, string])[1];
const setOf = (v: Json): Json[] => {
  const a = v as [string, Json];
  return a[0] === 'set' ? (a[1] as Json[]) : [v];
};

/** The remote tables as ovsdb-client sees them, read in one transaction. */
export async function readRemote(db: VtepDb): Promise<RemoteRows> {
  const tables = ['Logical_Switch', 'Ucast_Macs_Remote', 'Mcast_Macs_Remote', 'Physical_Locator', 'Physical_Locator_Set'];
  const ops = tables.map((table) => ({ op: 'select', table, where: [] }));
  const out = (await run('ovsdb-client', ['transact', remoteOf(db), JSON.stringify(['hardware_vtep', ...ops])])).stdout;
  const res = JSON.parse(out) as { rows: Record<string, Json>[] }[];
  const [ls, ucast, mcast, locs, sets] = res.map((r) => r.rows);
  const rows: RemoteRows = { ls: new Map(), ucast: [], mcast: [], locators: new Map(), sets: new Map() };
  for (const r of ls) rows.ls.set(r.name as string, uuidOf(r._uuid));
  for (const r of ucast) rows.ucast.push({ uuid: uuidOf(r._uuid), mac: r.MAC as string, ls: uuidOf(r.logical_switch), ipaddr: r.ipaddr as string, locator: uuidOf(r.locator) });
  for (const r of mcast) rows.mcast.push({ uuid: uuidOf(r._uuid), mac: r.MAC as string, ls: uuidOf(r.logical_switch), set: uuidOf(r.locator_set) });
  for (const r of locs) {
    const tk = setOf(r.tunnel_key);
    rows.locators.set(uuidOf(r._uuid), { dstIp: r.dst_ip as string, tunnelKey: tk.length === 0 ? null : (tk[0] as number) });
  }
  for (const r of sets) rows.sets.set(uuidOf(r._uuid), setOf(r.locators).map(uuidOf));
  return rows;
}

/** Ucast_Macs_Remote as sorted text lines `ls mac ipaddr dst_ip[/tunnel_key]`. */
export function ucastLines(rows: RemoteRows): string[] {
  const lsName = new Map([...rows.ls].map(([n, u]) => [u, n]));
  return rows.ucast.map((u) => {
    const l = rows.locators.get(u.locator);
    const loc = l ? `${l.dstIp}${l.tunnelKey === null ? '' : `/${l.tunnelKey}`}` : `?${u.locator}`;
    return `${lsName.get(u.ls)} ${u.mac} ${u.ipaddr || '-'} ${loc}`;
  }).sort();
}

/** Flood sets as `ls: dst_ip[/tunnel_key],...` lines. */
export function floodLines(rows: RemoteRows): string[] {
  const lsName = new Map([...rows.ls].map(([n, u]) => [u, n]));
  return rows.mcast.map((m) => {
    const members = (rows.sets.get(m.set) ?? []).map((id) => {
      const l = rows.locators.get(id);
      return l ? `${l.dstIp}${l.tunnelKey === null ? '' : `/${l.tunnelKey}`}` : `?${id}`;
    }).sort();
    return `${lsName.get(m.ls)} ${m.mac}: ${members.join(',')}`;
  }).sort();
}

/** Physical_Locator rows sharing (dst_ip, tunnel_key): must be none (the schema's unique index). */
export function duplicateLocators(rows: RemoteRows): number {
  const seen = new Set<string>();
  let dups = 0;
  for (const l of rows.locators.values()) {
    const k = `${l.dstIp}/${l.tunnelKey ?? ''}`;
    if (seen.has(k)) dups++;
    seen.add(k);
  }
  return dups;
}
