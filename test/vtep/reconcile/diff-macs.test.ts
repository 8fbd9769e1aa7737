/**
 * Diffs over the changed MACs only (diffMacs with a UcastIndex kept up to date
 * from the rows each commit touched), on the in-memory model of the tables:
 * after any sequence of such diffs, a full diff finds nothing left to do.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { desired } from '../../../src/vtep/reconcile/desired.js';
import { diff, diffMacs } from '../../../src/vtep/reconcile/diff.js';
import { batches, bindBatch, learnUuids } from '../../../src/vtep/reconcile/batch.js';
import { UcastIndex } from '../../../src/vtep/reconcile/ucast-index.js';
import type { UcastKeyRow } from '../../../src/vtep/reconcile/ucast-index.js';
import type { ReconcileDiff, ReconcileInputs, RemoteMac } from '../../../src/vtep/reconcile/types.js';
import { MemDb, monitorChanges } from './mem-db.js';

const mac = (i: number): string => `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`;

/** Commit a plan, telling the index about every row each commit touched (as the monitor's echo would). */
function commit(db: MemDb, d: ReconcileDiff, index: UcastIndex, maxRows: number): void {
  const known = new Map<string, string>();
  for (const b of batches(d, { maxRows })) {
    const bound = bindBatch(b, known);
    if (!bound.ok) throw new Error(`unbound ${bound.missing.join(',')}`);
    const before = db.observed();
    const r = db.transact(bound.ops);
    if (!r.ok) throw new Error(r.error.message);
    for (const [n, u] of learnUuids(b, r.value)) known.set(n, u);
    // The monitor's changes for this commit: our own rows, and any row gone without our asking (none expected).
    for (const c of monitorChanges(before, db.observed())) {
      if (c.table === 'Ucast_Macs_Remote') index.change(c.uuid, c.old as UcastKeyRow | undefined, c.new as UcastKeyRow | undefined);
    }
  }
}

describe('diffMacs', () => {
  it('property: diffs over the changed MACs leave nothing for a full diff to do', () => {
    // A MAC's inputs: absent, or a BGP route and/or a manual entry, on one of two logical switches.
    const entry = fc.record({
      ls: fc.integer({ min: 0, max: 1 }),
      i: fc.integer({ min: 0, max: 15 }),
      bgp: fc.option(fc.record({ vtep: fc.integer({ min: 1, max: 4 }), vni: fc.constantFrom(undefined, 5000, 5001), ip: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }), { nil: undefined }),
      manual: fc.option(fc.integer({ min: 5, max: 6 }), { nil: undefined }),
    });
    fc.assert(fc.property(fc.array(entry, { maxLength: 30 }), fc.array(fc.array(entry, { minLength: 1, maxLength: 6 }), { maxLength: 12 }), fc.integer({ min: 1, max: 8 }),
      (initial, steps, maxRows) => {
        const db = new MemDb();
        const lss = [db.addLogicalSwitch('a', 5000), db.addLogicalSwitch('b', 5001)];
        const state = new Map<string, (typeof initial)[number]>();
        const keyOf = (e: (typeof initial)[number]): string => `${e.ls}/${e.i}`;
        const inputsOf = (entries: Iterable<(typeof initial)[number]>): ReconcileInputs => {
          const macs: RemoteMac[] = [];
          for (const e of entries) {
            if (e.bgp) {
              macs.push({ mac: mac(e.i), logicalSwitch: lss[e.ls], dstIp: `192.0.2.${e.bgp.vtep}`, source: 'bgp',
                ...(e.bgp.vni === undefined ? {} : { tunnelKey: e.bgp.vni }), ...(e.bgp.ip === undefined ? {} : { ipaddr: `10.0.0.${e.bgp.ip}` }) });
            }
            if (e.manual !== undefined) macs.push({ mac: mac(e.i), logicalSwitch: lss[e.ls], dstIp: `192.0.2.${e.manual}`, source: 'manual' });
          }
          return { logicalSwitches: lss.map((uuid, n) => ({ uuid, name: `n${n}`, tunnelKey: 5000 + n })), macs, flood: new Map() };
        };
        for (const e of initial) state.set(keyOf(e), e);
        const first = desired(inputsOf(state.values()));
        const index = new UcastIndex(first.switches, db.observed());
        commit(db, diff(first, db.observed(), { allowDeletes: true }, index), index, maxRows);
        for (const step of steps) {
          const changed = new Map<string, Set<string>>();
          for (const e of step) {
            state.set(keyOf(e), e);
            let set = changed.get(lss[e.ls]);
            if (!set) changed.set(lss[e.ls], (set = new Set()));
            set.add(mac(e.i));
          }
          const of = [...state.values()].filter((e) => changed.get(lss[e.ls])?.has(mac(e.i)));
          const want = desired(inputsOf(of));
          commit(db, diffMacs(want, db.observed(), changed, index, { allowDeletes: true }), index, maxRows);
          const full = desired(inputsOf(state.values()));
          expect(diff(full, db.observed(), { allowDeletes: true }).changes).toEqual([]);
          expect(db.observed().ucastRemote.size).toBe(full.ucastRows);
          // The index kept in step matches one built afresh.
          const fresh = new UcastIndex(full.switches, db.observed());
          for (const ls of lss) for (let i = 0; i <= 15; i++) expect(index.get(ls, mac(i))).toEqual(fresh.get(ls, mac(i)));
        }
      }), { numRuns: 300 });
  });
});

describe('UcastIndex', () => {
  it('finds a row another writer wrote with an upper-case MAC by its lower-case MAC, and forgets it when it goes', () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('ls0', 5000);
    const row: UcastKeyRow = { MAC: '02:AA:00:00:00:01', logical_switch: ls, locator: 'loc-a' };
    db.tables.Ucast_Macs_Remote.set('row-1', { ...row, ipaddr: '' });
    const index = new UcastIndex(new Set([ls]), db.observed());
    expect(index.get(ls, '02:aa:00:00:00:01')).toBe('row-1');
    expect(index.refs('loc-a')).toBe(1);
    index.change('row-1', row, undefined);
    expect(index.get(ls, '02:aa:00:00:00:01')).toBeUndefined();
    expect(index.refs('loc-a')).toBe(0);
  });
});
