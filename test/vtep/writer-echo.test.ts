/**
 * The writer's echo and retry bookkeeping, on the in-memory model of the tables
 * (the real server is in writer.test.ts): here the monitor's echo of a commit is
 * delivered by hand, late, and a commit fails on demand, to pin down orders the
 * real server does not let a test choose.
 */
import { describe, expect, it } from 'vitest';
import { VtepWriter } from '../../src/vtep/writer.js';
import type { ReconcileInputs, RemoteMac } from '../../src/vtep/reconcile/types.js';
import { MemDb, memSource, memTransactor } from './reconcile/mem-db.js';

describe('VtepWriter echoes', () => {
  it('a re-plan waiting for the echo of the last commit goes on as soon as the echo arrives', async () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('ls0', 5000);
    const mac = (i: number, dstIp: string): RemoteMac => ({ mac: `02:00:00:00:00:0${i}`, logicalSwitch: ls, dstIp, source: 'bgp' });
    let inputs: ReconcileInputs = { logicalSwitches: [{ uuid: ls, name: 'ls0', tunnelKey: 5000 }], macs: [mac(1, '192.0.2.1')], flood: new Map() };
    let commits = 0;
    const writer: VtepWriter = new VtepWriter({
      // An hour: only an echo, never the timeout, may let the re-plan go on.
      freshnessTimeoutMs: 3_600_000,
      transactor: memTransactor(db, (echo) => {
        commits++;
        // A change arrives while the first commit is in flight; its echo comes 20 ms after the reply.
        if (commits === 1) {
          inputs = { ...inputs, macs: [...inputs.macs, mac(2, '192.0.2.1')] };
          writer.inputsChanged();
        }
        setTimeout(() => writer.observedChanged(echo), 20);
      }),
      source: memSource(db, () => inputs),
    });
    writer.inputsChanged();
    await writer.whenIdle();
    expect(commits).toBe(2);
    expect([...db.tables.Ucast_Macs_Remote.values()].map((r) => r.MAC).sort()).toEqual(['02:00:00:00:00:01', '02:00:00:00:00:02']);
    expect(writer.stats.plans).toBe(2);
  }, 10_000);
});

describe('VtepWriter retries', () => {
  it('a failed transaction of a diff over changed MACs is planned again, over everything', async () => {
    const db = new MemDb();
    const ls = db.addLogicalSwitch('ls0', 5000);
    const mac = (i: number): RemoteMac => ({ mac: `02:00:00:00:00:0${i}`, logicalSwitch: ls, dstIp: '192.0.2.1', source: 'bgp' });
    let inputs: ReconcileInputs = { logicalSwitches: [{ uuid: ls, name: 'ls0', tunnelKey: 5000 }], macs: [mac(1)], flood: new Map() };
    let failNext = false;
    const writer: VtepWriter = new VtepWriter({
      retryMinMs: 5,
      transactor: memTransactor(
        db,
        (echo) => setTimeout(() => writer.observedChanged(echo), 1),
        () => {
          if (!failNext) return undefined;
          failNext = false;
          return { ok: false, error: { code: 'OVSDB_TXN_FAILED', message: 'refused once' } };
        },
      ),
      source: memSource(db, () => inputs),
    });
    writer.inputsChanged();
    await writer.whenIdle();
    await new Promise((r) => setTimeout(r, 20));
    failNext = true;
    inputs = { ...inputs, macs: [mac(1), mac(2)] };
    writer.inputsChanged(new Map([[ls, [mac(2).mac]]]));
    await writer.whenIdle();
    expect(writer.stats.failedTransactions).toBe(1);
    expect([...db.tables.Ucast_Macs_Remote.values()].map((r) => r.MAC).sort()).toEqual(['02:00:00:00:00:01', '02:00:00:00:00:02']);
    expect(writer.stats.plans - writer.stats.macPlans).toBe(2);
  }, 10_000);
});
