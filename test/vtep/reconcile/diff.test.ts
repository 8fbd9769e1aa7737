import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/vtep/reconcile/desired.js';
import { diff } from '../../../src/vtep/reconcile/diff.js';
import { batches as planBatches, bindBatch, learnUuids } from '../../../src/vtep/reconcile/batch.js';
import type { BatchOptions } from '../../../src/vtep/reconcile/batch.js';
import type { Change, FloodLocator, ReconcileInputs, RemoteMac } from '../../../src/vtep/reconcile/types.js';
import { MemDb } from './mem-db.js';

const VNI = 5000;

function setup(): { db: MemDb; ls: string; other: string } {
  const db = new MemDb();
  return { db, ls: db.addLogicalSwitch('net-a', VNI), other: db.addLogicalSwitch('unmanaged', 6000) };
}

function inputs(ls: string, macs: Omit<RemoteMac, 'logicalSwitch'>[], flood: FloodLocator[] = [], extra: Partial<ReconcileInputs> = {}): ReconcileInputs {
  return {
    logicalSwitches: [{ uuid: ls, name: 'net-a', tunnelKey: VNI }],
    macs: macs.map((m) => ({ ...m, logicalSwitch: ls })),
    flood: new Map([[ls, flood]]),
    ...extra,
  };
}

const bgp = (mac: string, dstIp: string, more: Partial<RemoteMac> = {}): Omit<RemoteMac, 'logicalSwitch'> => ({ mac, dstIp, source: 'bgp', ...more });

/** Plan and apply every batch to the in-memory database, binding imports as the writer does. */
function sync(db: MemDb, inp: ReconcileInputs, allowDeletes: boolean, opts: BatchOptions = {}): Change[] {
  const d = diff(desired(inp), db.observed(), { allowDeletes });
  const known = new Map<string, string>();
  for (const b of [...planBatches(d, opts)]) {
    const bound = bindBatch(b, known);
    if (!bound.ok) throw new Error(`unbound ${bound.missing.join(',')}`);
    const r = db.transact(bound.ops);
    if (!r.ok) throw new Error(r.error.message);
    for (const [n, u] of learnUuids(b, r.value)) known.set(n, u);
  }
  return d.changes;
}

function ucastRows(db: MemDb): { MAC: string; dst: string; tk: number | null; ipaddr: string }[] {
  const o = db.observed();
  return [...o.ucastRemote.values()].map((r) => {
    const l = o.locators.get(r.locator);
    return { MAC: r.MAC, dst: l?.dst_ip ?? '?', tk: l?.tunnel_key ?? null, ipaddr: r.ipaddr };
  }).sort((a, b) => a.MAC.localeCompare(b.MAC));
}

function floodOf(db: MemDb, ls: string): string[] | undefined {
  const o = db.observed();
  const rows = [...o.mcastRemote.values()].filter((r) => r.logical_switch === ls);
  if (rows.length === 0) return undefined;
  expect(rows).toHaveLength(1);
  expect(rows[0].MAC).toBe('unknown-dst');
  return (o.locatorSets.get(rows[0].locator_set)?.locators ?? []).map((l) => {
    const r = o.locators.get(l);
    return `${r?.dst_ip}/${r?.tunnel_key ?? ''}`;
  }).sort();
}

describe('diff', () => {
  it('empty database → every row, each locator inserted once', () => {
    const { db, ls } = setup();
    const inp = inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2'), bgp('02:00:00:00:00:02', '192.0.2.2', { ipaddr: '10.0.0.2' }), bgp('02:00:00:00:00:03', '192.0.2.3')], [{ dstIp: '192.0.2.2' }, { dstIp: '192.0.2.3' }]);
    const d = diff(desired(inp), db.observed(), { allowDeletes: false });
    expect(d.changes.map((c) => c.kind).sort()).toEqual(['insert-mcast', 'insert-ucast', 'insert-ucast', 'insert-ucast']);
    expect([...d.newLocators.keys()].sort()).toEqual(['192.0.2.2/', '192.0.2.3/']);
    const [b] = [...planBatches(d)];
    const tables = b.ops.map((o) => JSON.parse(o) as { op: string; table: string }).filter((o) => o.op === 'insert').map((o) => o.table);
    expect(tables.filter((t) => t === 'Physical_Locator')).toHaveLength(2);
    expect(tables.filter((t) => t === 'Physical_Locator_Set')).toHaveLength(1);
    sync(db, inp, false);
    expect(ucastRows(db)).toEqual([
      { MAC: '02:00:00:00:00:01', dst: '192.0.2.2', tk: null, ipaddr: '' },
      { MAC: '02:00:00:00:00:02', dst: '192.0.2.2', tk: null, ipaddr: '10.0.0.2' },
      { MAC: '02:00:00:00:00:03', dst: '192.0.2.3', tk: null, ipaddr: '' },
    ]);
    expect(floodOf(db, ls)).toEqual(['192.0.2.2/', '192.0.2.3/']);
  });

  it('database already right → no change, no transaction', () => {
    const { db, ls } = setup();
    const inp = inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2', { ipaddr: '10.0.0.1' })], [{ dstIp: '192.0.2.2' }]);
    sync(db, inp, true);
    const d = diff(desired(inp), db.observed(), { allowDeletes: true });
    expect(d.changes).toEqual([]);
    expect([...planBatches(d, { lock: 'l2bgw' })]).toEqual([]);
  });

  it('a MAC moving to another VTEP changes its locator in place (same row uuid)', () => {
    const { db, ls } = setup();
    sync(db, inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2')]), true);
    const [uuid] = db.observed().ucastRemote.keys();
    const changes = sync(db, inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.9')]), false);
    expect(changes).toEqual([{ kind: 'update-ucast', uuid, mac: '02:00:00:00:00:01', logicalSwitch: ls, locator: { insert: { key: '192.0.2.9/', dstIp: '192.0.2.9', tunnelKey: null } } }]);
    expect([...db.observed().ucastRemote.keys()]).toEqual([uuid]);
    expect(ucastRows(db)[0].dst).toBe('192.0.2.9');
    // ipaddr alone changes in place too
    const c2 = sync(db, inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.9', { ipaddr: '10.1.1.1' })]), false);
    expect(c2).toEqual([{ kind: 'update-ucast', uuid, mac: '02:00:00:00:00:01', logicalSwitch: ls, ipaddr: '10.1.1.1' }]);
  });

  it('changes that drop the last reference to a locator another change names commit together', () => {
    const { db, ls } = setup();
    sync(db, inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.1'), bgp('02:00:00:00:00:02', '192.0.2.2')]), true);
    // the two MACs swap VTEPs: split into two transactions, the first would free the
    // locator the second names by uuid
    const swapped = inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2'), bgp('02:00:00:00:00:02', '192.0.2.1')]);
    const d = diff(desired(swapped), db.observed(), { allowDeletes: true });
    expect(d.bundles).toEqual([[0, 1]]);
    const batches = [...planBatches(d, { maxRows: 1 })];
    expect(batches).toHaveLength(1);
    sync(db, swapped, true, { maxRows: 1 });
    expect(ucastRows(db).map((r) => r.dst)).toEqual(['192.0.2.2', '192.0.2.1']);
    expect(db.observed().locators.size).toBe(2);
    // no bundle when another row keeps the locator
    sync(db, inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2'), bgp('02:00:00:00:00:02', '192.0.2.1'), bgp('02:00:00:00:00:03', '192.0.2.1'), bgp('02:00:00:00:00:04', '192.0.2.2')]), true);
    const d2 = diff(desired(inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.1'), bgp('02:00:00:00:00:02', '192.0.2.2'), bgp('02:00:00:00:00:03', '192.0.2.1'), bgp('02:00:00:00:00:04', '192.0.2.2')])), db.observed(), { allowDeletes: true });
    expect(d2.changes).toHaveLength(2);
    expect(d2.bundles).toEqual([]);
  });

  it('reuses an existing locator by natural key and never inserts a duplicate', () => {
    const { db, ls } = setup();
    sync(db, inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2')]), true);
    const [locUuid] = db.observed().locators.keys();
    const d = diff(desired(inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2'), bgp('02:00:00:00:00:02', '192.0.2.2')], [{ dstIp: '192.0.2.2' }])), db.observed(), { allowDeletes: true });
    expect(d.newLocators.size).toBe(0);
    expect(d.changes).toContainEqual({ kind: 'insert-ucast', mac: '02:00:00:00:00:02', logicalSwitch: ls, ipaddr: '', locator: { uuid: locUuid } });
    expect(d.changes).toContainEqual({ kind: 'insert-mcast', logicalSwitch: ls, set: { insert: [{ uuid: locUuid }] } });
    const ops = [...planBatches(d)][0].ops.map((o) => JSON.parse(o) as { op: string; table?: string });
    expect(ops.some((o) => o.table === 'Physical_Locator')).toBe(false);
  });

  it('tunnel_key is set only when the VNI differs from the logical switch tunnel_key', () => {
    const { db, ls } = setup();
    const inp = inputs(ls, [
      bgp('02:00:00:00:00:01', '192.0.2.2', { tunnelKey: VNI }),
      bgp('02:00:00:00:00:02', '192.0.2.2', { tunnelKey: 5001 }),
      bgp('02:00:00:00:00:03', '192.0.2.2'),
    ], [{ dstIp: '192.0.2.2', tunnelKey: 5001 }]);
    const want = desired(inp);
    expect([...want.locators.keys()].sort()).toEqual(['192.0.2.2/', '192.0.2.2/5001']);
    sync(db, inp, false);
    expect(ucastRows(db).map((r) => r.tk)).toEqual([null, 5001, null]);
    expect(floodOf(db, ls)).toEqual(['192.0.2.2/5001']);
    expect(db.observed().locators.size).toBe(2);
  });

  it('a flood list change points the unknown-dst row at a new set; removals wait for allowDeletes', () => {
    const { db, ls } = setup();
    sync(db, inputs(ls, [], [{ dstIp: '192.0.2.2' }]), true);
    const [mcastUuid] = db.observed().mcastRemote.keys();
    const [set1] = db.observed().locatorSets.keys();
    // add a member: new set, same Mcast row
    const add = sync(db, inputs(ls, [], [{ dstIp: '192.0.2.2' }, { dstIp: '192.0.2.3' }]), false);
    expect(add.map((c) => c.kind)).toEqual(['update-mcast']);
    expect([...db.observed().mcastRemote.keys()]).toEqual([mcastUuid]);
    expect(db.observed().locatorSets.has(set1)).toBe(false);
    expect(floodOf(db, ls)).toEqual(['192.0.2.2/', '192.0.2.3/']);
    // remove a member before deletes are allowed: the set only grows
    expect(sync(db, inputs(ls, [], [{ dstIp: '192.0.2.3' }, { dstIp: '192.0.2.4' }]), false)).toHaveLength(1);
    expect(floodOf(db, ls)).toEqual(['192.0.2.2/', '192.0.2.3/', '192.0.2.4/']);
    // once allowed, it shrinks
    sync(db, inputs(ls, [], [{ dstIp: '192.0.2.3' }]), true);
    expect(floodOf(db, ls)).toEqual(['192.0.2.3/']);
    // an empty flood list deletes the row, only when allowed
    expect(sync(db, inputs(ls, [], []), false)).toEqual([]);
    expect(floodOf(db, ls)).toEqual(['192.0.2.3/']);
    sync(db, inputs(ls, [], []), true);
    expect(floodOf(db, ls)).toBeUndefined();
  });

  it('an existing set with exactly the wanted members is shared, not copied', () => {
    const { db, ls } = setup();
    const ls2 = db.addLogicalSwitch('net-b', 7000);
    const two = (f1: FloodLocator[], f2: FloodLocator[]): ReconcileInputs => ({
      logicalSwitches: [{ uuid: ls, name: 'net-a', tunnelKey: VNI }, { uuid: ls2, name: 'net-b', tunnelKey: 7000 }],
      macs: [],
      flood: new Map([[ls, f1], [ls2, f2]]),
    });
    sync(db, two([{ dstIp: '192.0.2.2' }], []), true);
    const [set1] = db.observed().locatorSets.keys();
    const changes = sync(db, two([{ dstIp: '192.0.2.2' }], [{ dstIp: '192.0.2.2' }]), true);
    expect(changes).toEqual([{ kind: 'insert-mcast', logicalSwitch: ls2, set: { uuid: set1 } }]);
  });

  it('manual overrides bgp for the same (MAC, logical switch), and bgp returns when manual goes', () => {
    const { db, ls } = setup();
    const b = bgp('02:00:00:00:00:01', '192.0.2.2');
    const m: Omit<RemoteMac, 'logicalSwitch'> = { mac: '02:00:00:00:00:01', dstIp: '198.51.100.7', source: 'manual' };
    for (const order of [[b, m], [m, b]]) {
      const want = desired(inputs(ls, order));
      expect([...want.ucast.values()].flatMap((macs) => [...macs.values()]).map((u) => [u.source, u.locator.dstIp])).toEqual([['manual', '198.51.100.7']]);
    }
    sync(db, inputs(ls, [b, m]), true);
    expect(ucastRows(db).map((r) => r.dst)).toEqual(['198.51.100.7']);
    const [uuid] = db.observed().ucastRemote.keys();
    sync(db, inputs(ls, [b]), true);
    expect(ucastRows(db).map((r) => r.dst)).toEqual(['192.0.2.2']);
    expect([...db.observed().ucastRemote.keys()]).toEqual([uuid]);
  });

  it('deletes are gated by allowDeletes; rows of unmanaged logical switches are never touched', () => {
    const { db, ls, other } = setup();
    // rows another writer put in an unmanaged switch
    db.transact([
      { op: 'insert', table: 'Physical_Locator', row: { encapsulation_type: 'vxlan_over_ipv4', dst_ip: '203.0.113.1' }, 'uuid-name': 'l' },
      { op: 'insert', table: 'Ucast_Macs_Remote', row: { MAC: '02:00:00:00:99:99', logical_switch: ['uuid', other], locator: ['named-uuid', 'l'] } },
    ]);
    sync(db, inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2'), bgp('02:00:00:00:00:02', '192.0.2.2')], [{ dstIp: '192.0.2.2' }]), true);
    const gone = inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2')]);
    const held = diff(desired(gone), db.observed(), { allowDeletes: false });
    expect(held.changes).toEqual([]);
    expect(held.deletesHeld).toBe(2);
    const del = diff(desired(gone), db.observed(), { allowDeletes: true });
    expect(del.changes.map((c) => c.kind).sort()).toEqual(['delete-mcast', 'delete-ucast']);
    sync(db, gone, true);
    expect(ucastRows(db).map((r) => r.MAC)).toEqual(['02:00:00:00:00:01', '02:00:00:00:99:99']);
  });

  it('duplicate rows for one natural key: the matching one is kept, the others deleted when allowed', () => {
    const { db, ls } = setup();
    sync(db, inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2')]), true);
    const [keep] = db.observed().ucastRemote.keys();
    const [loc] = db.observed().locators.keys();
    db.transact([{ op: 'insert', table: 'Ucast_Macs_Remote', row: { MAC: '02:00:00:00:00:01', logical_switch: ['uuid', ls], locator: ['uuid', loc], ipaddr: '10.9.9.9' } }]);
    const d = diff(desired(inputs(ls, [bgp('02:00:00:00:00:01', '192.0.2.2')])), db.observed(), { allowDeletes: true });
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0].kind).toBe('delete-ucast');
    expect((d.changes[0] as { uuid: string }).uuid).not.toBe(keep);
  });

  it('upper-case MACs in the database match lower-case inputs', () => {
    const { db, ls } = setup();
    db.transact([
      { op: 'insert', table: 'Physical_Locator', row: { encapsulation_type: 'vxlan_over_ipv4', dst_ip: '192.0.2.2' }, 'uuid-name': 'l' },
      { op: 'insert', table: 'Ucast_Macs_Remote', row: { MAC: '02:AA:00:00:00:01', logical_switch: ['uuid', ls], locator: ['named-uuid', 'l'] } },
    ]);
    expect(diff(desired(inputs(ls, [bgp('02:aa:00:00:00:01', '192.0.2.2')])), db.observed(), { allowDeletes: true }).changes).toEqual([]);
  });

  it('reports inputs it cannot install instead of dropping them', () => {
    const { ls, other } = setup();
    const want = desired({
      logicalSwitches: [{ uuid: ls, name: 'net-a', tunnelKey: VNI }],
      macs: [
        { mac: '02:00:00:00:00:01', logicalSwitch: ls, dstIp: '2001:db8::1', source: 'bgp' },
        { mac: '02:00:00:00:00:02', logicalSwitch: other, dstIp: '192.0.2.2', source: 'bgp' },
        { mac: '02:00:00:00:0G:02', logicalSwitch: ls, dstIp: '192.0.2.2', source: 'manual' },
        { mac: '02:00:00:00:00:03', logicalSwitch: ls, dstIp: '192.0.2.2', ipaddr: '2001:db8::3', source: 'bgp' },
      ],
      flood: new Map([[ls, [{ dstIp: '2001:db8::9' }]]]),
    });
    expect(want.skipped.map((s) => s.reason)).toEqual(['not-ipv4-destination', 'unmanaged-logical-switch', 'invalid-mac', 'not-ipv4-destination']);
    expect([...want.ucast.values()].flatMap((macs) => [...macs.values()]).map((u) => [u.mac, u.ipaddr])).toEqual([['02:00:00:00:00:03', '']]);
    expect(want.mcast.size).toBe(0);
  });

  it('leaves out rows of a managed logical switch missing from the database', () => {
    const { db } = setup();
    const ghost = '00000000-0000-4000-8000-00000000ffff';
    const d = diff(desired(inputs(ghost, [bgp('02:00:00:00:00:01', '192.0.2.2')], [{ dstIp: '192.0.2.2' }])), db.observed(), { allowDeletes: true });
    expect(d.changes).toEqual([]);
    expect(d.missingSwitch).toBe(2);
  });
});
