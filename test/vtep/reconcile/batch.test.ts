import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { desired } from '../../../src/vtep/reconcile/desired.js';
import { diff } from '../../../src/vtep/reconcile/diff.js';
import { batches as planBatches, bindBatch, insertedUcast, learnUuids, touchedRows } from '../../../src/vtep/reconcile/batch.js';
import type { Batch } from '../../../src/vtep/reconcile/batch.js';
import type { ReconcileInputs, RemoteMac } from '../../../src/vtep/reconcile/types.js';
import { MemDb } from './mem-db.js';
import { formatMac } from '../../../src/evpn/addr.js';

type Op = { op: string; table?: string; 'uuid-name'?: string; row?: Record<string, unknown>; lock?: string };

const mac = (i: number): string => formatMac(0x020000000000 + i);

function manyMacs(ls: string, n: number, vteps: number): RemoteMac[] {
  return Array.from({ length: n }, (_, i) => ({ mac: mac(i), logicalSwitch: ls, dstIp: `192.0.2.${1 + (i % vteps)}`, source: 'bgp' as const }));
}

function inp(ls: string, macs: RemoteMac[], flood: string[] = []): ReconcileInputs {
  return { logicalSwitches: [{ uuid: ls, name: 'net', tunnelKey: 5000 }], macs, flood: new Map([[ls, flood.map((dstIp) => ({ dstIp }))]]) };
}

/** A batch's operations, parsed from their JSON text. */
function opsOf(ops: readonly string[]): Op[] {
  return ops.map((o) => JSON.parse(o) as Op);
}

/** Named uuids each op references. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) {
    if (v[0] === 'named-uuid') out.push(v[1] as string);
    else for (const x of v) refs(x, out);
  } else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) refs(x, out);
  return out;
}

function apply(db: MemDb, batches: Batch[]): void {
  const known = new Map<string, string>();
  for (const b of batches) {
    const bound = bindBatch(b, known);
    if (!bound.ok) throw new Error(`unbound ${bound.missing.join(',')}`);
    const r = db.transact(bound.ops);
    if (!r.ok) throw new Error(r.error.message);
    for (const [n, u] of learnUuids(b, r.value)) known.set(n, u);
  }
}

describe('batch', () => {
  it('insertedUcast gives the rows the database now holds under the uuids the commits returned', () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('net', 5000);
    // An existing locator (192.0.2.1), new ones, a MAC+IP route and another VNI.
    apply(db, [...planBatches(diff(desired(inp(ls, manyMacs(ls, 10, 1))), db.observed(), { allowDeletes: true }))]);
    const macs: RemoteMac[] = [
      ...manyMacs(ls, 250, 3),
      { mac: mac(300), logicalSwitch: ls, ipaddr: '10.0.0.1', dstIp: '192.0.2.9', source: 'bgp' },
      { mac: mac(301), logicalSwitch: ls, dstIp: '192.0.2.9', tunnelKey: 7000, source: 'bgp' },
    ];
    const known = new Map<string, string>();
    const inserted = new Map<string, unknown>();
    for (const b of planBatches(diff(desired(inp(ls, macs)), db.observed(), { allowDeletes: true }), { maxRows: 100, lock: 'l' })) {
      const bound = bindBatch(b, known);
      if (!bound.ok) throw new Error('unbound');
      const r = db.transact(bound.ops);
      if (!r.ok) throw new Error(r.error.message);
      for (const [n, u] of learnUuids(b, r.value)) known.set(n, u);
      for (const { uuid, row } of insertedUcast(b, r.value, known)) inserted.set(uuid, row);
    }
    const rows = db.observed().ucastRemote;
    expect(inserted.size).toBe(242);
    for (const [uuid, row] of inserted) expect(row).toEqual(rows.get(uuid));
  });

  it('bounds the rows per transaction and keeps a locator with the rows that reference it', () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('net', 5000);
    // 10 VTEPs x 30 MACs each: a group of 31 rows per new locator
    const d = diff(desired(inp(ls, manyMacs(ls, 300, 10))), db.observed(), { allowDeletes: true });
    const batches = [...planBatches(d, { maxRows: 100 })];
    for (const b of batches) {
      expect(b.rows).toBeLessThanOrEqual(100);
      // every locator inserted here is referenced in the same transaction
      const defined = opsOf(b.ops).filter((o) => o.table === 'Physical_Locator').map((o) => o['uuid-name'] as string);
      const used = opsOf(b.ops).filter((o) => o.table !== 'Physical_Locator').flatMap((o) => refs(o));
      for (const n of defined) expect(used).toContain(n);
      // groups fit: no batch needs a locator from an earlier one
      expect(b.imports).toEqual([]);
    }
    expect(batches.reduce((n, b) => n + b.rows, 0)).toBe(310);
    // 3 groups of 31 rows fit per transaction
    expect(batches.map((b) => b.rows)).toEqual([93, 93, 93, 31]);
    apply(db, batches);
    expect(db.observed().ucastRemote.size).toBe(300);
    expect(diff(desired(inp(ls, manyMacs(ls, 300, 10))), db.observed(), { allowDeletes: true }).changes).toEqual([]);
  });

  it('a locator referenced by more rows than fit is imported by later batches under the committed uuid', () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('net', 5000);
    const d = diff(desired(inp(ls, manyMacs(ls, 25, 1))), db.observed(), { allowDeletes: true });
    const batches = [...planBatches(d, { maxRows: 10 })];
    expect(batches.map((b) => b.rows)).toEqual([10, 10, 6]);
    expect(batches[0].defines.size).toBe(1);
    expect(batches[1].imports).toEqual(['loc0']);
    expect(batches[2].imports).toEqual(['loc0']);
    // unbound imports are refused, not sent with a dangling name
    expect(bindBatch(batches[1], new Map())).toEqual({ ok: false, missing: ['loc0'] });
    const r = db.transact(batches[0].ops);
    if (!r.ok) throw new Error(r.error.message);
    const known = learnUuids(batches[0], r.value);
    const [locUuid] = db.observed().locators.keys();
    expect(known).toEqual(new Map([['loc0', locUuid]]));
    // 9 MAC rows and their locator
    expect(touchedRows(batches[0], r.value)).toHaveLength(10);
    const bound = bindBatch(batches[1], known);
    expect(bound.ok && refs(opsOf(bound.ops))).toEqual([]);
    apply(db, batches.slice(1).map((b) => ({ ...b, ops: (bindBatch(b, known) as { ops: string[] }).ops, imports: [] })));
    expect(db.observed().ucastRemote.size).toBe(25);
    expect(db.observed().locators.size).toBe(1);
  });

  it('puts an assert on the lock first in every transaction', () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('net', 5000);
    const d = diff(desired(inp(ls, manyMacs(ls, 30, 3), ['192.0.2.1'])), db.observed(), { allowDeletes: true });
    const batches = [...planBatches(d, { maxRows: 10, lock: 'l2bgw-ps0' })];
    expect(batches.length).toBeGreaterThan(2);
    for (const b of batches) expect(opsOf(b.ops)[0]).toEqual({ op: 'assert', lock: 'l2bgw-ps0' });
    db.lockHeld = false;
    expect(db.transact(batches[0].ops).ok).toBe(false);
    db.lockHeld = true;
    apply(db, batches);
    expect(db.observed().ucastRemote.size).toBe(30);
  });

  it('writes each operation as valid JSON text, escaping what needs it', () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('net', 5000);
    const d = diff(desired(inp(ls, manyMacs(ls, 2, 1), ['192.0.2.1'])), db.observed(), { allowDeletes: true });
    const [b] = [...planBatches(d, { lock: 'odd "lock" \\ name' })];
    expect(opsOf(b.ops)[0]).toEqual({ op: 'assert', lock: 'odd "lock" \\ name' });
    expect(opsOf(b.ops).find((o) => o.table === 'Ucast_Macs_Remote')).toEqual({
      op: 'insert', table: 'Ucast_Macs_Remote', row: { MAC: mac(0), logical_switch: ['uuid', ls], locator: ['named-uuid', 'loc0'] },
    });
  });

  it('binds an imported name exactly: loc1 is not a prefix of loc10', () => {
    const b: Batch = {
      ops: ['{"op":"update","table":"Ucast_Macs_Remote","where":[],"row":{"locator":["named-uuid","loc1"]}}', '{"op":"update","table":"Ucast_Macs_Remote","where":[],"row":{"locator":["named-uuid","loc10"]}}'],
      rows: 2, defines: new Map([['loc10', 9]]), imports: ['loc1'], touched: [], ucastInserts: [], changes: 2, counts: { inserted: 0, updated: 2, deleted: 0 },
    };
    const bound = bindBatch(b, new Map([['loc1', '00000000-0000-4000-8000-000000000001']]));
    expect(bound.ok && opsOf(bound.ops).map((o) => o.row?.locator)).toEqual([['uuid', '00000000-0000-4000-8000-000000000001'], ['named-uuid', 'loc10']]);
  });

  it('with guardInserts, a replayed transaction cannot duplicate rows', () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('net', 5000);
    const [b] = [...planBatches(diff(desired(inp(ls, manyMacs(ls, 2, 1), ['192.0.2.1'])), db.observed(), { allowDeletes: true }), { guardInserts: true })];
    expect(opsOf(b.ops).filter((o) => o.op === 'wait')).toHaveLength(3);
    expect(db.transact(b.ops).ok).toBe(true);
    const again = db.transact(b.ops);
    expect(again.ok).toBe(false);
    expect(db.observed().ucastRemote.size).toBe(2);
    const [unguarded] = [...planBatches(diff(desired(inp(ls, manyMacs(ls, 3, 1))), db.observed(), { allowDeletes: true }))];
    expect(opsOf(unguarded.ops).some((o) => o.op === 'wait')).toBe(false);
  });

  it('never splits one flood set from its new locators, even past maxRows', () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('net', 5000);
    const flood = Array.from({ length: 12 }, (_, i) => `198.51.100.${i + 1}`);
    const batches = [...planBatches(diff(desired(inp(ls, [], flood)), db.observed(), { allowDeletes: true }), { maxRows: 5 })];
    expect(batches).toHaveLength(1);
    expect(batches[0].rows).toBe(14);
    apply(db, batches);
    expect(db.observed().locators.size).toBe(12);
  });

  it('any plan applied in order converges: a second diff finds nothing to do', () => {
    const macArb = fc.record({
      i: fc.integer({ min: 0, max: 40 }),
      vtep: fc.integer({ min: 1, max: 6 }),
      vni: fc.constantFrom(undefined, 5000, 5001),
      ip: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      manual: fc.boolean(),
      ls: fc.integer({ min: 0, max: 1 }),
    });
    const stateArb = fc.record({
      macs: fc.array(macArb, { maxLength: 60 }),
      flood: fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom(undefined, 5002)), { maxLength: 10 }),
    });
    fc.assert(fc.property(stateArb, stateArb, fc.boolean(), fc.integer({ min: 1, max: 12 }), (s1, s2, deletes, maxRows) => {
      const db = new MemDb();
      const lss = [db.addLogicalSwitch('a', 5000), db.addLogicalSwitch('b', 5001)];
      const toInputs = (s: typeof s1): ReconcileInputs => ({
        logicalSwitches: lss.map((uuid, n) => ({ uuid, name: `n${n}`, tunnelKey: 5000 + n })),
        macs: s.macs.map((m) => ({
          mac: mac(m.i), logicalSwitch: lss[m.ls], dstIp: `192.0.2.${m.vtep}`, source: m.manual ? 'manual' as const : 'bgp' as const,
          ...(m.vni === undefined ? {} : { tunnelKey: m.vni }), ...(m.ip === undefined ? {} : { ipaddr: `10.0.0.${m.ip}` }),
        })),
        flood: new Map(lss.map((uuid, n) => [uuid, s.flood.filter((f) => f[0] === n).map((f) => ({ dstIp: `203.0.113.${f[1]}`, ...(f[2] === undefined ? {} : { tunnelKey: f[2] }) }))])),
      });
      for (const [s, allow] of [[s1, true], [s2, deletes]] as const) {
        const want = desired(toInputs(s));
        const d = diff(want, db.observed(), { allowDeletes: allow });
        const batches = [...planBatches(d, { maxRows })];
        for (const b of batches) {
          // only a lone flood set with its new locators, or a bundle, may exceed the bound
          const rootRows = opsOf(b.ops).filter((o) => o.op !== 'wait' && (o.table === 'Ucast_Macs_Remote' || o.table === 'Mcast_Macs_Remote')).length;
          if (b.rows > maxRows && rootRows > 1) expect(d.bundles.some((g) => g.length === rootRows)).toBe(true);
        }
        apply(db, batches);
        const again = diff(want, db.observed(), { allowDeletes: allow });
        expect(again.changes).toEqual([]);
      }
      // after deletes are allowed the database holds exactly the desired rows
      const last = desired(toInputs(s2));
      apply(db, [...planBatches(diff(last, db.observed(), { allowDeletes: true }), { maxRows })]);
      expect(db.observed().ucastRemote.size).toBe(last.ucastRows);
      expect(db.observed().mcastRemote.size).toBe(last.mcast.size);
    }), { numRuns: 200 });
  });
});
