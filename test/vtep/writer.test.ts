/**
 * The writer against a real ovsdb-server with the hardware_vtep schema
 * (test/support/ovsdb-server.ts), through the real OVSDB client; what ends
 * up in the database is read back with vtep-ctl and ovsdb-client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OvsdbClient } from '../../src/vtep/ovsdb/client.js';
import type { Monitor } from '../../src/vtep/ovsdb/client.js';
import { vtepSchema } from '../../src/vtep/ovsdb/vtep-schema.js';
import type { VtepTables } from '../../src/vtep/ovsdb/vtep-schema.js';
import { VTEP_DB, VtepWriter } from '../../src/vtep/writer.js';
import type { WriterOptions, WriterStats } from '../../src/vtep/writer.js';
import type { ObservedState, ReconcileInputs, RemoteMac } from '../../src/vtep/reconcile/types.js';
import { startOvsdbServer } from '../support/ovsdb-server.js';
import type { OvsdbServer } from '../support/ovsdb-server.js';
import { formatMac } from '../../src/evpn/addr.js';
import { waitFor } from '../support/process.js';
import { inputsOfMacs } from './reconcile/mem-db.js';
import { vtepCtl } from './switch-helpers.js';

const VNI = 5000;

type Tables = Pick<VtepTables, 'Logical_Switch' | 'Ucast_Macs_Remote' | 'Mcast_Macs_Remote' | 'Physical_Locator' | 'Physical_Locator_Set'>;

let server: OvsdbServer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  server = await startOvsdbServer();
});
afterAll(async () => {
  await server?.dispose();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const mac = (i: number): string => formatMac(0x020000000000 + i);

/** Rows of a table as ovsdb-client dumps them (a second connection, not ours). */
async function dump(table: string): Promise<Record<string, unknown>[]> {
  const out = JSON.parse(await server.client('dump', '--format=json', VTEP_DB, table)) as { data: unknown[][]; headings: string[] };
  return out.data.map((row) => Object.fromEntries(out.headings.map((h, i) => [h, row[i]])));
}

interface Harness {
  client: OvsdbClient;
  monitor: Monitor<Tables>;
  writer: VtepWriter;
  ls: string;
  lsName: string;
  set(macs: RemoteMac[], flood?: string[]): void;
  /** New inputs where only these MACs changed, said so to the writer. */
  setMacs(macs: RemoteMac[], changed: string[]): void;
  allowDeletes: boolean;
  errors: string[];
  stats: WriterStats[];
}

let lsSeq = 0;

async function harness(opts: Partial<WriterOptions> = {}, lock?: string): Promise<Harness> {
  const lsName = `ls${lsSeq++}`;
  await vtepCtl(server, 'add-ls', lsName, '--', 'set', 'Logical_Switch', lsName, `tunnel_key=${VNI + lsSeq}`);
  const ls = (await vtepCtl(server, 'get', 'Logical_Switch', lsName, '_uuid')).trim();
  const client = new OvsdbClient({ remote: server.unixRemote, probeIntervalMs: 0, backoffMinMs: 50, backoffMaxMs: 200 });
  const c = await client.connect();
  if (!c.ok) throw new Error(c.error.message);
  cleanups.push(() => client.close());
  let snapshot = true;
  let inputs: ReconcileInputs = { logicalSwitches: [{ uuid: ls, name: lsName, tunnelKey: VNI + lsSeq }], macs: [], flood: new Map() };
  const h = { allowDeletes: true, errors: [] as string[], stats: [] as WriterStats[] } as Harness;
  const m = await client.monitor(VTEP_DB, vtepSchema, { Logical_Switch: {}, Ucast_Macs_Remote: {}, Mcast_Macs_Remote: {}, Physical_Locator: {}, Physical_Locator_Set: {} }, (changes) => h.writer?.observedChanged(changes));
  if (!m.ok) throw new Error(m.error.message);
  const monitor = m.value;
  const observe = (): ObservedState | undefined => snapshot ? {
    logicalSwitches: monitor.rows('Logical_Switch'),
    ucastRemote: monitor.rows('Ucast_Macs_Remote'),
    mcastRemote: monitor.rows('Mcast_Macs_Remote'),
    locators: monitor.rows('Physical_Locator'),
    locatorSets: monitor.rows('Physical_Locator_Set'),
  } : undefined;
  client.on('disconnected', () => (snapshot = false));
  client.on('connected', () => {
    snapshot = true;
    h.writer.observedChanged();
  });
  const writer = new VtepWriter({
    transactor: client,
    source: {
      inputs: () => inputs,
      inputsFor: (which) => inputsOfMacs(inputs, which),
      observe,
      allowDeletes: () => h.allowDeletes,
    },
    retryMinMs: 20,
    retryMaxMs: 100,
    lock,
    onError: (e) => h.errors.push(e.code),
    onStats: (s) => h.stats.push(s),
    ...opts,
  });
  cleanups.push(async () => {
    writer.close();
    await writer.whenIdle();
  });
  return Object.assign(h, {
    client, monitor, writer, ls, lsName,
    set(macs: RemoteMac[], flood: string[] = []) {
      inputs = { ...inputs, macs, flood: new Map([[ls, flood.map((dstIp) => ({ dstIp }))]]) };
      writer.inputsChanged();
    },
    setMacs(macs: RemoteMac[], changed: string[]) {
      inputs = { ...inputs, macs };
      writer.inputsChanged(new Map([[ls, changed]]));
    },
  });
}

const bgpMacs = (h: Harness, n: number, vteps: number, base = 1): RemoteMac[] =>
  Array.from({ length: n }, (_, i) => ({ mac: mac(i), logicalSwitch: h.ls, dstIp: `192.0.2.${base + (i % vteps)}`, source: 'bgp' as const }));

describe('VtepWriter against ovsdb-server', () => {
  it('writes the full state in bounded transactions, then nothing more', async () => {
    const h = await harness({ maxRows: 50 });
    const macs = bgpMacs(h, 250, 3);
    macs[0] = { ...macs[0], ipaddr: '10.0.0.1' };
    macs[1] = { ...macs[1], tunnelKey: 7777 };
    const plans = h.writer.stats.plans;
    h.set(macs, ['192.0.2.1', '192.0.2.2']);
    await h.writer.whenIdle();
    expect(h.errors).toEqual([]);
    // The monitor's echo of our own commits needs no second diff.
    expect(h.writer.stats.plans - plans).toBe(1);
    const listed = await vtepCtl(server, 'list-remote-macs', h.lsName);
    expect(listed).toContain(`${mac(0)} -> vxlan_over_ipv4/192.0.2.1`);
    expect(listed).toContain(`${mac(2)} -> vxlan_over_ipv4/192.0.2.3`);
    expect(listed).toMatch(/unknown-dst -> vxlan_over_ipv4\/192\.0\.2\.[12]/);
    const ucast = (await dump('Ucast_Macs_Remote')).filter((r) => JSON.stringify(r.logical_switch).includes(h.ls));
    expect(ucast).toHaveLength(250);
    expect(ucast.find((r) => r.MAC === mac(0))?.ipaddr).toBe('10.0.0.1');
    const locs = await dump('Physical_Locator');
    expect(locs.filter((l) => l.dst_ip === '192.0.2.2').map((l) => l.tunnel_key).sort()).toEqual([7777, ['set', []]]);
    const s = h.writer.stats;
    // 250 MACs + 4 locators + 1 set + 1 Mcast row, at most 50 rows each
    expect(s.rowsWritten).toBe(256);
    expect(s.transactions).toBeGreaterThanOrEqual(6);
    expect(s.lastLatencyMs).toBeGreaterThan(0);
    const before = s.transactions;
    h.writer.inputsChanged();
    await h.writer.whenIdle();
    expect(h.writer.stats.transactions).toBe(before);
    expect(h.writer.stats.pendingChanges).toBe(0);
  });

  it('coalesces changes that arrive while a transaction is in flight; a moved MAC keeps its row', async () => {
    const h = await harness();
    h.set(bgpMacs(h, 20, 2));
    await h.writer.whenIdle();
    const uuidOf = (m: string): string | undefined => [...h.monitor.rows('Ucast_Macs_Remote')].find(([, r]) => r.MAC === m && r.logical_switch === h.ls)?.[0];
    const row0 = uuidOf(mac(0));
    const t0 = h.writer.stats.transactions;
    // 30 successive versions of the inputs, each moving every MAC
    for (let v = 0; v < 30; v++) h.set(bgpMacs(h, 20, 2, 10 + v));
    await h.writer.whenIdle();
    expect(h.writer.stats.transactions - t0).toBeLessThan(10);
    expect(uuidOf(mac(0))).toBe(row0);
    const listed = await vtepCtl(server, 'list-remote-macs', h.lsName);
    expect(listed).toContain(`${mac(0)} -> vxlan_over_ipv4/192.0.2.39`);
    expect(listed).toContain(`${mac(1)} -> vxlan_over_ipv4/192.0.2.40`);
    expect((await dump('Ucast_Macs_Remote')).filter((r) => JSON.stringify(r.logical_switch).includes(h.ls))).toHaveLength(20);
  });

  it('a table arriving piece by piece costs a few diffs, not one per transaction', async () => {
    // 200 arrivals of 10 MACs each, faster than the writer: 4 arrive while each
    // transaction of 20 rows commits, as UPDATEs come off a socket during a sync.
    // Paced by the commits, not by the clock, so a busy machine changes nothing.
    let arrived = 0;
    let all: RemoteMac[] = [];
    let arrive = (): void => {};
    const h = await harness({ maxRows: 20, onTransaction: () => arrive() });
    const plans = h.writer.stats.plans;
    all = bgpMacs(h, 2000, 4);
    const next = (): void => {
      if (arrived < 200) h.set(all.slice(0, ++arrived * 10));
    };
    arrive = () => {
      for (let i = 0; i < 4; i++) next();
    };
    next();
    await waitFor(() => arrived === 200, 'every arrival', 30_000);
    await h.writer.whenIdle();
    expect(h.errors).toEqual([]);
    expect((await dump('Ucast_Macs_Remote')).filter((r) => JSON.stringify(r.logical_switch).includes(h.ls))).toHaveLength(2000);
    expect(h.writer.stats.transactions).toBeGreaterThanOrEqual(100);
    expect(h.writer.stats.plans - plans).toBeLessThan(20);
  });

  it('a change to a few MACs is diffed over those MACs only; a row removed behind its back brings a full diff', async () => {
    const h = await harness();
    const all = bgpMacs(h, 300, 3);
    h.set(all);
    await h.writer.whenIdle();
    const uuidOf = (m: string): string | undefined => [...h.monitor.rows('Ucast_Macs_Remote')].find(([, r]) => r.MAC === m && r.logical_switch === h.ls)?.[0];
    const before = { ...h.writer.stats };
    const row5 = uuidOf(mac(5));
    // Two MACs move, one goes, one comes.
    const next = all.filter((m) => m.mac !== mac(7)).map((m) => (m.mac === mac(5) || m.mac === mac(6) ? { ...m, dstIp: '192.0.2.99' } : m));
    next.push({ mac: mac(400), logicalSwitch: h.ls, dstIp: '192.0.2.1', source: 'bgp' });
    h.setMacs(next, [mac(5), mac(6), mac(7), mac(400)]);
    await h.writer.whenIdle();
    expect(h.writer.stats.macPlans - before.macPlans).toBe(1);
    expect(h.writer.stats.plans - before.plans).toBe(1);
    expect(h.writer.stats.desiredRows).toBe(300);
    const listed = await vtepCtl(server, 'list-remote-macs', h.lsName);
    expect(listed).toContain(`${mac(5)} -> vxlan_over_ipv4/192.0.2.99`);
    expect(listed).toContain(`${mac(6)} -> vxlan_over_ipv4/192.0.2.99`);
    expect(listed).toContain(`${mac(400)} -> vxlan_over_ipv4/192.0.2.1`);
    expect(listed).not.toContain(mac(7));
    expect(uuidOf(mac(5))).toBe(row5);
    expect((await dump('Ucast_Macs_Remote')).filter((r) => JSON.stringify(r.logical_switch).includes(h.ls))).toHaveLength(300);
    // Someone else deletes a row: that is not ours to trust, so the next diff is full and puts it back.
    await vtepCtl(server, 'del-ucast-remote', h.lsName, mac(9));
    await expect.poll(async () => (await vtepCtl(server, 'list-remote-macs', h.lsName)).includes(mac(9)), { timeout: 5000 }).toBe(true);
    expect(h.writer.stats.plans - h.writer.stats.macPlans).toBeGreaterThan(before.plans - before.macPlans);
    // And then a MAC change is diffed alone again.
    const again = { ...h.writer.stats };
    h.setMacs(next.map((m) => (m.mac === mac(5) ? { ...m, dstIp: '192.0.2.1' } : m)), [mac(5)]);
    await h.writer.whenIdle();
    expect(h.writer.stats.macPlans - again.macPlans).toBe(1);
    expect(await vtepCtl(server, 'list-remote-macs', h.lsName)).toContain(`${mac(5)} -> vxlan_over_ipv4/192.0.2.1`);
  });

  it('deletes only once allowed; flood changes go through new locator sets', async () => {
    const h = await harness();
    h.set(bgpMacs(h, 10, 1), ['198.51.100.1', '198.51.100.2']);
    await h.writer.whenIdle();
    h.allowDeletes = false;
    h.set(bgpMacs(h, 4, 1), ['198.51.100.2']);
    await h.writer.whenIdle();
    let listed = await vtepCtl(server, 'list-remote-macs', h.lsName);
    expect(listed).toContain(mac(9));
    expect(listed).toContain('unknown-dst -> vxlan_over_ipv4/198.51.100.1');
    expect(h.writer.stats.deletesHeld).toBe(6);
    h.allowDeletes = true;
    h.writer.inputsChanged();
    await h.writer.whenIdle();
    listed = await vtepCtl(server, 'list-remote-macs', h.lsName);
    expect(listed).not.toContain(mac(9));
    expect(listed).toContain(mac(3));
    expect(listed).not.toContain('198.51.100.1');
    expect(listed).toContain('unknown-dst -> vxlan_over_ipv4/198.51.100.2');
    h.set(bgpMacs(h, 4, 1), []);
    await h.writer.whenIdle();
    expect(await vtepCtl(server, 'list-remote-macs', h.lsName)).not.toContain('unknown-dst');
  });

  it('repairs rows removed behind its back', async () => {
    const h = await harness();
    h.set(bgpMacs(h, 3, 1), ['198.51.100.9']);
    await h.writer.whenIdle();
    const plans = h.writer.stats.plans;
    await vtepCtl(server, 'del-ucast-remote', h.lsName, mac(1));
    await vtepCtl(server, 'clear-remote-macs', h.lsName);
    await expect.poll(() => h.writer.stats.plans, { timeout: 5000 }).toBeGreaterThan(plans);
    await h.writer.whenIdle();
    const listed = await vtepCtl(server, 'list-remote-macs', h.lsName);
    for (let i = 0; i < 3; i++) expect(listed).toContain(mac(i));
    expect(listed).toContain('unknown-dst -> vxlan_over_ipv4/198.51.100.9');
  });

  it('survives the server dropping the connection mid-plan: re-reads, retries, no duplicate rows', async () => {
    const h = await harness({ maxRows: 20 });
    let reconnects = 0;
    cleanups.push(h.client.on('connected', () => reconnects++));
    const n = 1500;
    h.set(bgpMacs(h, n, 7));
    await expect.poll(() => h.writer.stats.transactions, { timeout: 10_000, interval: 5 }).toBeGreaterThanOrEqual(3);
    await server.dropClients();
    await expect.poll(() => reconnects, { timeout: 10_000 }).toBeGreaterThan(0);
    await h.writer.whenIdle();
    const ucast = (await dump('Ucast_Macs_Remote')).filter((r) => JSON.stringify(r.logical_switch).includes(h.ls));
    expect(ucast).toHaveLength(n);
    expect(new Set(ucast.map((r) => r.MAC)).size).toBe(n);
    const locs = (await dump('Physical_Locator')).filter((l) => String(l.dst_ip).startsWith('192.0.2.'));
    expect(new Set(locs.map((l) => `${String(l.dst_ip)}/${JSON.stringify(l.tunnel_key)}`)).size).toBe(locs.length);
  });

  it('with a lock, writes nothing while another client holds it, and resumes once it is granted', async () => {
    const other = new OvsdbClient({ remote: server.unixRemote, probeIntervalMs: 0 });
    await other.connect();
    cleanups.push(() => other.close());
    expect(await other.lock('vtep_writer')).toEqual({ ok: true, value: { locked: true } });
    const h = await harness({}, 'vtep_writer');
    h.client.on('locked', () => h.writer.inputsChanged());
    const l = await h.client.lock('vtep_writer');
    expect(l.ok && l.value.locked).toBe(false);
    h.set(bgpMacs(h, 5, 1));
    await expect.poll(() => h.errors.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(h.errors[0]).toBe('OVSDB_TXN_NOT_OWNER');
    expect(await vtepCtl(server, 'list-remote-macs', h.lsName)).not.toContain(mac(0));
    await other.unlock('vtep_writer');
    await expect.poll(() => h.client.hasLock('vtep_writer'), { timeout: 5000 }).toBe(true);
    await h.writer.whenIdle();
    expect(await vtepCtl(server, 'list-remote-macs', h.lsName)).toContain(mac(4));
  });
});
