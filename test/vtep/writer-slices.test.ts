/**
 * A plan over many changed MACs is diffed a slice at a time (writer.ts,
 * macBatches), on the in-memory model of the tables: the monitor's view
 * trails each commit by a few milliseconds, as a real echo does, so later
 * slices are diffed from rows that do not show the earlier ones yet.
 */
import { describe, expect, it } from 'vitest';
import { VtepWriter } from '../../src/vtep/writer.js';
import type { TransactionReport } from '../../src/vtep/writer.js';
import type { ReconcileInputs, RemoteMac } from '../../src/vtep/reconcile/types.js';
import { MemDb, inputsOfMacs, memTransactor, monitorChanges } from './reconcile/mem-db.js';
import { formatMac } from '../../src/evpn/addr.js';

const mac = (i: number): string => formatMac(0x020000000000 + i);

function lab(): {
  db: MemDb;
  ls: string;
  writer: VtepWriter;
  setMacs(macs: RemoteMac[], changed?: string[]): void;
  /** MACs asked of inputsFor before each transaction went out */
  diffedBeforeTxn: number[];
  reports: TransactionReport[];
  } {
  const db = new MemDb();
  const ls = db.addLogicalSwitch('ls0', 5000);
  let inputs: ReconcileInputs = { logicalSwitches: [{ uuid: ls, name: 'ls0', tunnelKey: 5000 }], macs: [], flood: new Map() };
  // The monitor's view: replaced 5 ms after each commit, then the echo is told.
  let view = db.observed();
  let diffed = 0;
  const diffedBeforeTxn: number[] = [];
  const reports: TransactionReport[] = [];
  const writer: VtepWriter = new VtepWriter({
    transactor: memTransactor(
      db,
      () => setTimeout(() => {
        const before = view;
        view = db.observed();
        writer.observedChanged(monitorChanges(before, view));
      }, 5),
      () => {
        diffedBeforeTxn.push(diffed);
        return undefined;
      },
    ),
    source: {
      inputs: () => inputs,
      inputsFor: (which) => {
        for (const set of which.values()) diffed += set.size;
        return inputsOfMacs(inputs, which);
      },
      observe: () => view,
      allowDeletes: () => true,
    },
    onTransaction: (t) => reports.push(t),
  });
  return {
    db, ls, writer, diffedBeforeTxn, reports,
    setMacs(macs: RemoteMac[], changed?: string[]) {
      inputs = { ...inputs, macs };
      writer.inputsChanged(changed && new Map([[ls, changed]]));
    },
  };
}

const on = (ls: string, from: number, to: number, dstIp: string): RemoteMac[] =>
  Array.from({ length: to - from }, (_, i) => ({ mac: mac(from + i), logicalSwitch: ls, dstIp, source: 'bgp' as const }));

function rowsByDst(db: MemDb): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of db.tables.Ucast_Macs_Remote.values()) {
    const dst = db.tables.Physical_Locator.get(r.locator as string)?.dst_ip as string;
    out.set(dst, [...(out.get(dst) ?? []), r.MAC as string]);
  }
  return out;
}

describe('VtepWriter plans over many changed MACs', () => {
  it('writes after the first slice is diffed, and a new locator is inserted once for all slices', async () => {
    const l = lab();
    l.setMacs([]);
    await l.writer.whenIdle();
    const txnsBefore = l.diffedBeforeTxn.length;
    // 3,500 MACs arrive at once, all behind one new remote VTEP.
    const all = on(l.ls, 0, 3500, '192.0.2.9');
    l.setMacs(all, all.map((m) => m.mac));
    await l.writer.whenIdle();
    expect(l.writer.stats.failedTransactions).toBe(0);
    // The first transaction left when one slice of 200 MACs had been diffed, not all 3,500.
    expect(l.diffedBeforeTxn[txnsBefore]).toBeLessThanOrEqual(200);
    expect(l.diffedBeforeTxn[txnsBefore]).toBeGreaterThan(0);
    expect(l.writer.stats.macPlans).toBe(1);
    expect(l.db.tables.Ucast_Macs_Remote.size).toBe(3500);
    expect([...l.db.tables.Physical_Locator.values()].map((r) => r.dst_ip)).toEqual(['192.0.2.9']);
    expect(l.writer.stats.pendingChanges).toBe(0);
    expect(l.writer.stats.desiredRows).toBe(3500);
    // Each transaction is reported (for metrics) with the rows it wrote: the MACs and the locator.
    expect(l.reports.every((t) => t.ok)).toBe(true);
    expect(l.reports.slice(txnsBefore).reduce((n, t) => n + t.written, 0)).toBe(3501);
  });

  it('a slice that drops a locator is diffed with the rest, so a locator the server collects is never named', async () => {
    const l = lab();
    // 1,000 MACs behind A, 2,000 behind C.
    const start = [...on(l.ls, 0, 1000, '192.0.2.1'), ...on(l.ls, 1000, 3000, '192.0.2.3')];
    l.setMacs(start);
    await l.writer.whenIdle();
    const a = [...l.db.tables.Physical_Locator].find(([, r]) => r.dst_ip === '192.0.2.1')?.[0];
    // The first slice moves every MAC off A (the server would collect A),
    // the later ones move MACs of C onto A: they must not name A's old row in a later transaction.
    const moved = [...on(l.ls, 0, 1000, '192.0.2.2'), ...on(l.ls, 1000, 3000, '192.0.2.1')];
    l.setMacs(moved, moved.map((m) => m.mac));
    await l.writer.whenIdle();
    expect(l.writer.stats.failedTransactions).toBe(0);
    const byDst = rowsByDst(l.db);
    expect(byDst.get('192.0.2.2')).toHaveLength(1000);
    expect(byDst.get('192.0.2.1')).toHaveLength(2000);
    expect(byDst.has('192.0.2.3')).toBe(false);
    // A moved MAC kept its row, and A its locator row (referenced throughout).
    expect(l.db.tables.Ucast_Macs_Remote.size).toBe(3000);
    expect([...l.db.tables.Physical_Locator].find(([, r]) => r.dst_ip === '192.0.2.1')?.[0]).toBe(a);
    expect(l.db.tables.Physical_Locator.size).toBe(2);
  });
});
