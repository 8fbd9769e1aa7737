// Faults between the VTEP switch driver and a real ovsdb-server (DESIGN.md §2:
// every write idempotent, re-read and re-diff after any reconnect, no flap on
// restart): kill -9 of the server while routes change, the database wiped
// and recreated, and the driver itself replaced with the routes unchanged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';
import { VtepSwitch } from '../src/vtep/switch.js';
import { formatMac } from '../src/evpn/addr.js';
import type { RibDelta } from '../src/evpn/rib/rib.js';
import { duplicateLocators, floodLines, readRemote, setUpSwitch, type2, type3, ucastLines } from '../test/vtep/switch-helpers.js';
import type { RemoteRows } from '../test/vtep/switch-helpers.js';
import { waitFor } from '../test/support/process.js';

const LSS = { ls0: 5000, ls1: 5001, ls2: 5002 };
const LS_OF = new Map(Object.entries(LSS).map(([n, v]) => [v, n]));
const FAST = { client: { backoffMinMs: 50, backoffMaxMs: 200, probeIntervalMs: 1000 }, retryMinMs: 50, retryMaxMs: 200, freshnessTimeoutMs: 500 } as const;

interface MacRoute { nh: string; label: number; ip?: string }

/** The routes the RIB holds, and the deltas that describe each change to them. */
class Routes {
  readonly macs = new Map<string, MacRoute>();
  readonly floods = new Map<string, string>();

  setMac(vni: number, mac: number, r: MacRoute): RibDelta {
    const key = `${vni}/${formatMac(mac)}`;
    const op = this.macs.has(key) ? 'changed' : 'added';
    this.macs.set(key, r);
    return type2(vni, formatMac(mac), r.nh, { op, label: r.label, ip: r.ip });
  }

  removeMac(vni: number, mac: number): RibDelta {
    this.macs.delete(`${vni}/${formatMac(mac)}`);
    return type2(vni, formatMac(mac), '0.0.0.0', { op: 'removed' });
  }

  setFlood(vni: number, originator: string): RibDelta {
    this.floods.set(`${vni}/${originator}`, originator);
    return type3(vni, originator);
  }

  removeFlood(vni: number, originator: string): RibDelta {
    this.floods.delete(`${vni}/${originator}`);
    return type3(vni, originator, { op: 'removed' });
  }

  /** Every route as deltas, as a fresh RIB would hand them out. */
  all(): RibDelta[] {
    const out: RibDelta[] = [];
    for (const [key, r] of this.macs) {
      const [vni, mac] = key.split('/');
      out.push(type2(Number(vni), mac, r.nh, { label: r.label, ip: r.ip }));
    }
    for (const key of this.floods.keys()) {
      const [vni, originator] = key.split('/');
      out.push(type3(Number(vni), originator));
    }
    return out;
  }

  /** What the database must hold, in the form of ucastLines / floodLines. */
  expected(): { ucast: string[]; flood: string[] } {
    const ucast = [...this.macs].map(([key, r]) => {
      const [vni, mac] = key.split('/');
      const tk = r.label === Number(vni) ? '' : `/${r.label}`;
      return `${LS_OF.get(Number(vni))} ${mac} ${r.ip ?? '-'} ${r.nh}${tk}`;
    }).sort();
    const byLs = new Map<string, string[]>();
    for (const key of this.floods.keys()) {
      const [vni, originator] = key.split('/');
      const ls = LS_OF.get(Number(vni)) as string;
      byLs.set(ls, [...(byLs.get(ls) ?? []), originator]);
    }
    const flood = [...byLs].map(([ls, m]) => `${ls} unknown-dst: ${m.sort().join(',')}`).sort();
    return { ucast, flood };
  }
}

function nh(i: number): string {
  return `192.0.2.${20 + (i % 8)}`;
}

/** Compare the database with the routes: missing, extra and duplicate rows. */
function compare(rows: RemoteRows, routes: Routes): { missing: string[]; extra: string[]; duplicateLocators: number; floods: string[] } {
  const want = routes.expected();
  const have = ucastLines(rows);
  const haveSet = new Set(have);
  const wantSet = new Set(want.ucast);
  return {
    missing: want.ucast.filter((l) => !haveSet.has(l)),
    extra: have.filter((l) => !wantSet.has(l)),
    duplicateLocators: duplicateLocators(rows),
    floods: floodLines(rows),
  };
}

async function converged(server: OvsdbServer, routes: Routes): Promise<boolean> {
  const c = compare(await readRemote(server), routes);
  return c.missing.length === 0 && c.extra.length === 0 && JSON.stringify(c.floods) === JSON.stringify(routes.expected().flood);
}

let server: OvsdbServer;
const switches: VtepSwitch[] = [];

async function open(maxRows?: number): Promise<VtepSwitch> {
  const sw = new VtepSwitch({ name: 'ps0', ovsdb: server.unixRemote, ...FAST, maxRows });
  switches.push(sw);
  await sw.start();
  return sw;
}

beforeEach(async () => {
  server = await startOvsdbServer();
  await setUpSwitch(server, 'ps0', '192.0.2.10', LSS);
});

afterEach(async () => {
  for (const s of switches.splice(0)) await s.stop();
  await server.dispose();
});

describe('VTEP faults', () => {
  it('kill -9 of ovsdb-server while routes change, restart on the same file: exactly the desired rows', async () => {
    const routes = new Routes();
    // Small transactions: many commits, so the kill lands between and during them.
    const sw = await open(20);
    sw.setRoutesComplete(true);
    const first: RibDelta[] = [];
    for (let i = 0; i < 3000; i++) first.push(routes.setMac(5000 + (i % 3), 0x020000000000 + i, { nh: nh(i), label: i % 10 === 0 ? 7000 : 5000 + (i % 3), ip: i % 4 === 0 ? `10.0.${i >> 8}.${i & 255}` : undefined }));
    for (let i = 0; i < 5; i++) first.push(routes.setFlood(5000 + (i % 3), nh(i)));
    sw.applyRibDeltas(first);
    // Kill the server while the writer is part way through.
    await waitFor(() => sw.status().writer.transactions >= 3, 'some transactions');
    await server.stop('SIGKILL');
    expect(sw.status().remote.pending).toBeGreaterThan(0);

    // Routes keep changing while the server is down: moves, withdrawals, new MACs, flood changes.
    const second: RibDelta[] = [];
    for (let i = 0; i < 3000; i += 7) second.push(routes.setMac(5000 + (i % 3), 0x020000000000 + i, { nh: nh(i + 3), label: 5000 + (i % 3) }));
    for (let i = 1; i < 3000; i += 11) second.push(routes.removeMac(5000 + (i % 3), 0x020000000000 + i));
    for (let i = 3000; i < 3500; i++) second.push(routes.setMac(5000 + (i % 3), 0x020000000000 + i, { nh: nh(i), label: 5000 + (i % 3) }));
    second.push(routes.removeFlood(5000, nh(0)), routes.setFlood(5001, nh(6)));
    sw.applyRibDeltas(second);
    await sleep(300);
    expect(sw.status().connected).toBe(false);

    await server.restart();
    // More changes right after the restart, while the driver reconnects.
    sw.applyRibDeltas([routes.setMac(5002, 0x02000000ffff, { nh: nh(1), label: 5002, ip: '10.9.9.9' })]);
    await waitFor(() => sw.status().connected, 'reconnected');
    await sw.whenIdle();
    await waitFor(() => converged(server, routes), 'rows converge', 30_000);
    const c = compare(await readRemote(server), routes);
    expect(c).toEqual({ missing: [], extra: [], duplicateLocators: 0, floods: routes.expected().flood });
    const rows = await readRemote(server);
    // One row per (MAC, logical switch) and one unknown-dst row per flooded logical switch.
    expect(rows.ucast.length).toBe(routes.macs.size);
    expect(rows.mcast.length).toBe(routes.expected().flood.length);
    expect(sw.status().remote).toMatchObject({ pending: 0, extraRows: 0 });
  });

  it('the database wiped and recreated: everything rewritten', async () => {
    const routes = new Routes();
    const sw = await open();
    sw.setRoutesComplete(true);
    const deltas: RibDelta[] = [];
    for (let i = 0; i < 500; i++) deltas.push(routes.setMac(5000 + (i % 3), 0x020000000000 + i, { nh: nh(i), label: i % 5 === 0 ? 6000 : 5000 + (i % 3) }));
    deltas.push(routes.setFlood(5000, nh(1)), routes.setFlood(5000, nh(2)), routes.setFlood(5002, nh(3)));
    sw.applyRibDeltas(deltas);
    await sw.whenIdle();
    expect(await converged(server, routes)).toBe(true);
    const before = await readRemote(server);

    await server.wipe();
    await setUpSwitch(server, 'ps0', '192.0.2.10', LSS);
    await waitFor(() => converged(server, routes), 'rows rewritten', 30_000);
    await sw.whenIdle();
    const after = await readRemote(server);
    expect(compare(after, routes)).toEqual({ missing: [], extra: [], duplicateLocators: 0, floods: routes.expected().flood });
    // New logical switches, new rows.
    expect(after.ls.get('ls0')).not.toBe(before.ls.get('ls0'));
    expect(after.ucast.length).toBe(500);
  });

  it('a driver replaced with the routes unchanged deletes and re-creates nothing', async () => {
    const routes = new Routes();
    const deltas: RibDelta[] = [];
    for (let i = 0; i < 1000; i++) deltas.push(routes.setMac(5000 + (i % 3), 0x020000000000 + i, { nh: nh(i), label: i % 9 === 0 ? 6000 : 5000 + (i % 3), ip: i % 2 ? `10.1.${i >> 8}.${i & 255}` : undefined }));
    for (let i = 0; i < 6; i++) deltas.push(routes.setFlood(5000 + (i % 3), nh(i)));
    const a = await open();
    a.applyRibDeltas(deltas);
    a.setRoutesComplete(true);
    await a.whenIdle();
    expect(await converged(server, routes)).toBe(true);
    const before = await readRemote(server);
    await a.stop();

    // The new driver learns the same routes bit by bit, as a RIB fills after a restart.
    const b = await open();
    const again = routes.all();
    for (let i = 0; i < again.length; i += 100) {
      b.applyRibDeltas(again.slice(i, i + 100));
      await sleep(5);
    }
    await b.whenIdle();
    b.setRoutesComplete(true);
    await b.whenIdle();
    const after = await readRemote(server);
    const ids = (r: RemoteRows): Record<string, string[]> => ({
      ucast: r.ucast.map((u) => `${u.uuid} ${u.locator}`).sort(),
      mcast: r.mcast.map((m) => `${m.uuid} ${m.set}`).sort(),
      locators: [...r.locators.keys()].sort(),
      sets: [...r.sets.keys()].sort(),
    });
    expect(ids(after)).toEqual(ids(before));
    expect(b.status().writer).toMatchObject({ transactions: 0, rowsWritten: 0, rowsDeleted: 0 });
  });
});
