// The VTEP switch driver against a real ovsdb-server serving the real
// vtep.ovsschema: local events from vtep-ctl, RIB best paths become exactly
// the rows of DESIGN.md §2, read back with ovsdb-client and vtep-ctl.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOvsdbServer } from '../support/ovsdb-server.js';
import { OvsdbClient } from '../../src/vtep/ovsdb/client.js';
import type { OvsdbServer } from '../support/ovsdb-server.js';
import { VtepSwitch } from '../../src/vtep/switch.js';
import type { VtepSwitchOptions } from '../../src/vtep/switch.js';
import type { LocalMacDiff, LogicalSwitchInfo } from '../../src/vtep/local-side.js';
import { EvpnRib } from '../../src/evpn/rib/rib.js';
import { encodeEvpnNlri } from '../../src/evpn/nlri.js';
import { buildEvpnCommunities } from '../../src/evpn/ext-communities.js';
import type { ImetRoute, MacIpRoute } from '../../src/evpn/types.js';
import { ingressReplicationPmsi } from '../../src/evpn/pmsi.js';
import type { UpdateMessage } from '../../src/bgp/wire/types.js';
import { duplicateLocators, floodLines, readRemote, setUpSwitch, type2, type3, ucastLines, vtepCtl } from './switch-helpers.js';
import { waitFor } from '../support/process.js';

const FAST = { client: { backoffMinMs: 50, backoffMaxMs: 200 }, retryMinMs: 50, retryMaxMs: 200, freshnessTimeoutMs: 500 } as const;

let server: OvsdbServer;
const switches: VtepSwitch[] = [];

async function open(extra: Partial<VtepSwitchOptions> = {}): Promise<VtepSwitch> {
  const sw = new VtepSwitch({ name: 'ps0', ovsdb: server.unixRemote, ...FAST, ...extra });
  switches.push(sw);
  await sw.start();
  return sw;
}

beforeEach(async () => {
  server = await startOvsdbServer();
  await setUpSwitch(server, 'ps0', '192.0.2.10', { ls0: 5000, ls1: 5001 });
});

afterEach(async () => {
  for (const s of switches.splice(0)) await s.stop();
  await server.dispose();
});

afterAll(async () => {
  for (const s of switches.splice(0)) await s.stop();
});

describe('local side', () => {
  it('reports the tunnel IP, the logical switches and local MACs from vtep-ctl', async () => {
    const vteps: (string | undefined)[] = [];
    const lss: LogicalSwitchInfo[][] = [];
    const macs: LocalMacDiff[] = [];
    const sw = await open({ events: { localVtep: (ip) => vteps.push(ip), logicalSwitches: (l) => lss.push(l), localMacs: (d) => macs.push(d) } });
    expect(vteps).toEqual(['192.0.2.10']);
    expect(lss.at(-1)?.map((l) => [l.name, l.vni])).toEqual([['ls0', 5000], ['ls1', 5001]]);
    expect(sw.status()).toMatchObject({ connected: true, snapshot: true, switchFound: true, tunnelIp: '192.0.2.10', localMacs: 0 });

    await vtepCtl(server, 'add-ucast-local', 'ls0', '00:11:22:33:44:55', '192.0.2.10');
    await waitFor(() => macs.length === 1, 'local MAC added');
    expect(macs[0]).toEqual({ added: [{ mac: '00:11:22:33:44:55', vni: 5000, nextHop: '192.0.2.10' }], removed: [] });
    expect(sw.status().localMacs).toBe(1);

    await vtepCtl(server, 'del-ucast-local', 'ls0', '00:11:22:33:44:55');
    await waitFor(() => macs.length === 2, 'local MAC removed');
    expect(macs[1]).toEqual({ added: [], removed: [{ mac: '00:11:22:33:44:55', vni: 5000, nextHop: '192.0.2.10' }] });

    await vtepCtl(server, 'set', 'Physical_Switch', 'ps0', 'tunnel_ips=192.0.2.11');
    await vtepCtl(server, 'add-ls', 'ls2');
    await vtepCtl(server, 'set', 'Logical_Switch', 'ls2', 'tunnel_key=5002');
    await waitFor(() => vteps.length === 2 && lss.at(-1)?.length === 3, 'tunnel IP and ls2');
    expect(vteps[1]).toBe('192.0.2.11');
  });

  it('never reports rows it wrote as local MACs', async () => {
    const macs: LocalMacDiff[] = [];
    const sw = await open({ events: { localMacs: (d) => macs.push(d) } });
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20')]);
    await sw.whenIdle();
    expect((await readRemote(server)).ucast).toHaveLength(1);
    expect(macs).toEqual([]);
  });
});

describe('remote rows per DESIGN §2', () => {
  it('type-2 MAC and MAC+IP routes become Ucast_Macs_Remote with ipaddr and locator; another VNI gets tunnel_key', async () => {
    const sw = await open();
    sw.applyRibDeltas([
      type2(5000, '02:00:00:00:00:01', '192.0.2.20'),
      type2(5000, '02:00:00:00:00:02', '192.0.2.20', { ip: '10.0.0.2' }),
      type2(5000, '02:00:00:00:00:03', '192.0.2.21', { label: 6000 }),
      type2(5001, '02:00:00:00:00:04', '192.0.2.21', { ip: '2001:db8::4' }),
    ]);
    await sw.whenIdle();
    const rows = await readRemote(server);
    expect(ucastLines(rows)).toEqual([
      'ls0 02:00:00:00:00:01 - 192.0.2.20',
      'ls0 02:00:00:00:00:02 10.0.0.2 192.0.2.20',
      'ls0 02:00:00:00:00:03 - 192.0.2.21/6000',
      'ls1 02:00:00:00:00:04 - 192.0.2.21',
    ]);
    // One locator per (dst_ip, tunnel_key), all vxlan_over_ipv4.
    expect(rows.locators.size).toBe(3);
    expect(duplicateLocators(rows)).toBe(0);
    const text = await vtepCtl(server, 'list-remote-macs', 'ls0');
    expect(text).toContain('02:00:00:00:00:03 -> vxlan_over_ipv4/192.0.2.21');
    expect(sw.status().remote).toMatchObject({ bgpMacs: 4, desiredRows: 4, writtenRows: 4, pending: 0 });
  });

  it('the flood set follows type-3 adds and removes, a new Physical_Locator_Set each time', async () => {
    const sw = await open();
    sw.setRoutesComplete(true);
    sw.applyRibDeltas([type3(5000, '192.0.2.20'), type3(5000, '192.0.2.21', { endpoint: '192.0.2.121', label: 7000 })]);
    await sw.whenIdle();
    let rows = await readRemote(server);
    expect(floodLines(rows)).toEqual(['ls0 unknown-dst: 192.0.2.121/7000,192.0.2.20']);
    const mcastUuid = rows.mcast[0].uuid;
    const sets = [rows.mcast[0].set];

    sw.applyRibDeltas([type3(5000, '192.0.2.22')]);
    await sw.whenIdle();
    rows = await readRemote(server);
    expect(floodLines(rows)).toEqual(['ls0 unknown-dst: 192.0.2.121/7000,192.0.2.20,192.0.2.22']);
    expect(rows.mcast[0].uuid).toBe(mcastUuid);
    sets.push(rows.mcast[0].set);

    sw.applyRibDeltas([type3(5000, '192.0.2.20', { op: 'removed' })]);
    await sw.whenIdle();
    rows = await readRemote(server);
    expect(floodLines(rows)).toEqual(['ls0 unknown-dst: 192.0.2.121/7000,192.0.2.22']);
    sets.push(rows.mcast[0].set);
    expect(new Set(sets).size).toBe(3);

    // Last member gone: no unknown-dst row at all.
    sw.applyRibDeltas([type3(5000, '192.0.2.21', { op: 'removed' }), type3(5000, '192.0.2.22', { op: 'removed' })]);
    await sw.whenIdle();
    expect((await readRemote(server)).mcast).toEqual([]);
  });

  it('our own routes are not installed', async () => {
    const sw = await open();
    const own = type3(5000, '192.0.2.10');
    if (own.type === 3 && own.best) own.best.peer = 'local';
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.10', { local: true }), own]);
    await sw.whenIdle();
    const rows = await readRemote(server);
    expect(rows.ucast).toEqual([]);
    expect(rows.mcast).toEqual([]);
  });

  it('a MAC moving between remote VTEPs changes its locator in place', async () => {
    const sw = await open();
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20', { ip: '10.0.0.1' })]);
    await sw.whenIdle();
    const before = await readRemote(server);
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.21', { op: 'changed', ip: '10.0.0.1' })]);
    await sw.whenIdle();
    const after = await readRemote(server);
    expect(ucastLines(after)).toEqual(['ls0 02:00:00:00:00:01 10.0.0.1 192.0.2.21']);
    expect(after.ucast[0].uuid).toBe(before.ucast[0].uuid);
    expect(after.ucast[0].locator).not.toBe(before.ucast[0].locator);
    expect(sw.status().writer.rowsDeleted).toBe(0);
  });

  it('once routes are complete, a MAC route change is diffed over that MAC alone', async () => {
    const sw = await open();
    sw.setRoutesComplete(true);
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20'), type2(5001, '02:00:00:00:00:02', '192.0.2.20')]);
    await sw.whenIdle();
    const before = sw.status().writer;
    sw.applyRibDeltas([type2(5001, '02:00:00:00:00:02', '192.0.2.21', { op: 'changed' })]);
    await sw.whenIdle();
    const after = sw.status().writer;
    expect(after.macPlans - before.macPlans).toBe(1);
    expect(after.plans - before.plans).toBe(1);
    expect(ucastLines(await readRemote(server))).toEqual(['ls0 02:00:00:00:00:01 - 192.0.2.20', 'ls1 02:00:00:00:00:02 - 192.0.2.21']);
  });

  it('a manual remote MAC overrides BGP, and BGP returns when it goes', async () => {
    const sw = await open();
    sw.setRoutesComplete(true);
    const ls0 = (await readRemote(server)).ls.get('ls0') as string;
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20')]);
    sw.setManual({ connections: [{ id: 'c1', logicalSwitchUuid: ls0, dstIp: '198.51.100.1', tunnelKey: 9000, flood: true, macs: [{ mac: '02:00:00:00:00:01', ipaddr: '10.9.0.1' }, { mac: '02:00:00:00:00:09' }] }] });
    await sw.whenIdle();
    let rows = await readRemote(server);
    expect(ucastLines(rows)).toEqual([
      'ls0 02:00:00:00:00:01 10.9.0.1 198.51.100.1/9000',
      'ls0 02:00:00:00:00:09 - 198.51.100.1/9000',
    ]);
    expect(floodLines(rows)).toEqual(['ls0 unknown-dst: 198.51.100.1/9000']);
    const uuid = rows.ucast.find((u) => u.mac === '02:00:00:00:00:01')?.uuid;

    // A segmentation id equal to the switch's VNI: no tunnel_key.
    sw.setManual({ connections: [{ id: 'c1', logicalSwitchUuid: ls0, dstIp: '198.51.100.1', tunnelKey: 5000, flood: false, macs: [{ mac: '02:00:00:00:00:01' }] }] });
    await sw.whenIdle();
    rows = await readRemote(server);
    expect(ucastLines(rows)).toEqual(['ls0 02:00:00:00:00:01 - 198.51.100.1']);
    expect(rows.mcast).toEqual([]);

    sw.setManual({ connections: [] });
    await sw.whenIdle();
    rows = await readRemote(server);
    expect(ucastLines(rows)).toEqual(['ls0 02:00:00:00:00:01 - 192.0.2.20']);
    expect(rows.ucast[0].uuid).toBe(uuid);
  });

  it('a change to the remote MACs of an unchanged connection is diffed over those MACs alone', async () => {
    const sw = await open();
    sw.setRoutesComplete(true);
    const ls0 = (await readRemote(server)).ls.get('ls0') as string;
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20')]);
    const c1 = { id: 'c1', logicalSwitchUuid: ls0, dstIp: '198.51.100.1', flood: true, macs: [{ mac: '02:00:00:00:00:09' }] };
    sw.setManual({ connections: [c1] });
    await sw.whenIdle();
    const before = sw.status().writer;
    // The same connections again: nothing to diff.
    sw.setManual({ connections: [{ ...c1 }] });
    await sw.whenIdle();
    expect(sw.status().writer.plans).toBe(before.plans);
    // The BGP MAC overridden, another added, the first one gone.
    sw.setManual({ connections: [{ ...c1, macs: [{ mac: '02:00:00:00:00:01', ipaddr: '10.9.0.1' }, { mac: '02:00:00:00:00:0B' }] }] });
    await sw.whenIdle();
    const after = sw.status().writer;
    expect([after.plans - before.plans, after.macPlans - before.macPlans]).toEqual([1, 1]);
    const rows = await readRemote(server);
    expect(ucastLines(rows)).toEqual([
      'ls0 02:00:00:00:00:01 10.9.0.1 198.51.100.1',
      'ls0 02:00:00:00:00:0b - 198.51.100.1',
    ]);
    expect(floodLines(rows)).toEqual(['ls0 unknown-dst: 198.51.100.1']);
  });

  it('a remote MAC the reconciler skips is reported as after a full diff', async () => {
    const sw = await open();
    sw.setRoutesComplete(true);
    const c1 = { id: 'c1', logicalSwitchUuid: 'no-such-ls', dstIp: '198.51.100.1', flood: false, macs: [{ mac: '02:00:00:00:00:09' }] };
    sw.setManual({ connections: [c1] });
    await sw.whenIdle();
    expect(sw.status().skipped.map((k) => k.mac)).toEqual(['02:00:00:00:00:09']);
    sw.setManual({ connections: [{ ...c1, macs: [{ mac: '02:00:00:00:00:0a' }] }] });
    await sw.whenIdle();
    expect(sw.status().skipped.map((k) => k.mac)).toEqual(['02:00:00:00:00:0a']);
    sw.setManual({ connections: [{ ...c1, macs: [] }] });
    await sw.whenIdle();
    expect(sw.status().skipped).toEqual([]);
  });

  it('an IPv6 next hop is not installed and is reported', async () => {
    const sw = await open();
    sw.applyRibDeltas([
      type2(5000, '02:00:00:00:00:01', '2001:db8::20'),
      type3(5000, '2001:db8::21'),
      type2(5000, '02:00:00:00:00:02', '192.0.2.20'),
      type2(7777, '02:00:00:00:00:03', '192.0.2.20'),
    ]);
    await sw.whenIdle();
    expect(ucastLines(await readRemote(server))).toEqual(['ls0 02:00:00:00:00:02 - 192.0.2.20']);
    const ni = sw.status().notInstalled;
    expect(ni).toEqual(expect.arrayContaining([
      { type: 2, vni: 5000, mac: '02:00:00:00:00:01', nextHop: '2001:db8::20', reason: 'ipv6-next-hop' },
      { type: 3, vni: 5000, originator: '2001:db8::21', nextHop: '2001:db8::21', reason: 'ipv6-next-hop' },
      { type: 2, vni: 7777, mac: '02:00:00:00:00:03', nextHop: '192.0.2.20', reason: 'no-logical-switch' },
    ]));
    expect(ni).toHaveLength(3);
    // The route moves to an IPv4 next hop: installed, no longer reported.
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.22', { op: 'changed' })]);
    await sw.whenIdle();
    expect(sw.status().notInstalled).toHaveLength(2);
    expect(ucastLines(await readRemote(server))).toContain('ls0 02:00:00:00:00:01 - 192.0.2.22');
  });
});

describe('deleting', () => {
  it('deletes nothing until routes are complete, then removes what is not wanted', async () => {
    // Rows left by an earlier run (or written by hand).
    await vtepCtl(server, 'add-ucast-remote', 'ls0', '02:00:00:00:00:aa', '192.0.2.30');
    await vtepCtl(server, 'add-ucast-remote', 'ls0', '02:00:00:00:00:01', '192.0.2.30');
    await vtepCtl(server, 'add-mcast-remote', 'ls0', 'unknown-dst', '192.0.2.30');
    const sw = await open();
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20'), type3(5000, '192.0.2.20')]);
    await sw.whenIdle();
    let rows = await readRemote(server);
    expect(ucastLines(rows)).toEqual(['ls0 02:00:00:00:00:01 - 192.0.2.20', 'ls0 02:00:00:00:00:aa - 192.0.2.30']);
    // Before deletes are allowed a flood set only grows.
    expect(floodLines(rows)).toEqual(['ls0 unknown-dst: 192.0.2.20,192.0.2.30']);
    expect(sw.status()).toMatchObject({ deletesAllowed: false, remote: { extraRows: 1 } });

    sw.setRoutesComplete(true);
    await sw.whenIdle();
    rows = await readRemote(server);
    expect(ucastLines(rows)).toEqual(['ls0 02:00:00:00:00:01 - 192.0.2.20']);
    expect(floodLines(rows)).toEqual(['ls0 unknown-dst: 192.0.2.20']);
    expect(sw.status().remote).toMatchObject({ extraRows: 0, pending: 0 });
  });

  it('leaves logical switches without a tunnel key alone', async () => {
    await vtepCtl(server, 'add-ls', 'plain');
    await vtepCtl(server, 'add-ucast-remote', 'plain', '02:00:00:00:00:bb', '192.0.2.31');
    const sw = await open();
    sw.setRoutesComplete(true);
    await sw.whenIdle();
    expect(ucastLines(await readRemote(server))).toEqual(['plain 02:00:00:00:00:bb - 192.0.2.31']);
  });
});

describe('repair', () => {
  it('a remote row deleted or changed by hand is written again', async () => {
    const sw = await open();
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20'), type2(5000, '02:00:00:00:00:02', '192.0.2.20')]);
    await sw.whenIdle();
    await vtepCtl(server, 'del-ucast-remote', 'ls0', '02:00:00:00:00:01');
    await vtepCtl(server, 'add-ucast-remote', 'ls0', '02:00:00:00:00:02', '192.0.2.99');
    await waitFor(async () => ucastLines(await readRemote(server)).join() === 'ls0 02:00:00:00:00:01 - 192.0.2.20,ls0 02:00:00:00:00:02 - 192.0.2.20', 'rows repaired');
  });

  it('a remote row another client inserts is read in full (inserts are announced by uuid only) and removed', async () => {
    const sw = await open();
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20')]);
    await sw.whenIdle();
    await vtepCtl(server, 'add-ucast-remote', 'ls0', '02:00:00:00:00:cc', '192.0.2.32');
    await waitFor(() => sw.status().remote.extraRows === 1, 'their row seen');
    sw.setRoutesComplete(true);
    await waitFor(async () => ucastLines(await readRemote(server)).join() === 'ls0 02:00:00:00:00:01 - 192.0.2.20', 'their row removed');
  });

  it('after the server drops the connection: re-read, re-diff, write again', async () => {
    const sw = await open();
    sw.setRoutesComplete(true);
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20')]);
    await sw.whenIdle();
    await server.dropClients();
    sw.applyRibDeltas([type2(5000, '02:00:00:00:00:02', '192.0.2.21'), type2(5000, '02:00:00:00:00:01', '', { op: 'removed' })]);
    await waitFor(async () => ucastLines(await readRemote(server)).join() === 'ls0 02:00:00:00:00:02 - 192.0.2.21', 'rows after reconnect');
    await waitFor(() => sw.status().connected, 'reconnected');
    expect(sw.status().remote).toMatchObject({ pending: 0, extraRows: 0 });
  });
});

describe('lock', () => {
  it('only the lock holder writes; the standby takes over when the holder goes', async () => {
    const a = await open({ lock: 'l2bgw' });
    await waitFor(() => a.status().lock?.held === true, 'a holds the lock');
    const b = await open({ lock: 'l2bgw' });
    b.applyRibDeltas([type2(5000, '02:00:00:00:00:02', '192.0.2.20')]);
    a.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20')]);
    await a.whenIdle();
    expect(b.status().lock?.held).toBe(false);
    expect(ucastLines(await readRemote(server))).toEqual(['ls0 02:00:00:00:00:01 - 192.0.2.20']);
    await a.stop();
    await waitFor(() => b.status().lock?.held === true, 'b takes the lock');
    await b.whenIdle();
    expect(ucastLines(await readRemote(server))).toEqual(['ls0 02:00:00:00:00:01 - 192.0.2.20', 'ls0 02:00:00:00:00:02 - 192.0.2.20']);

    // Another writer steals the lock (RFC 7047 §4.1.9): b stops writing.
    const thief = new OvsdbClient({ remote: server.unixRemote, reconnect: false });
    try {
      expect((await thief.connect()).ok).toBe(true);
      expect(await thief.steal('l2bgw')).toEqual({ ok: true, value: { locked: true } });
      await waitFor(() => b.status().lock?.held === false, 'b loses the lock');
      b.applyRibDeltas([type2(5000, '02:00:00:00:00:03', '192.0.2.20')]);
      await sleep(300);
      expect(ucastLines(await readRemote(server))).toHaveLength(2);
      expect(b.status().lastError?.code).toBe('OVSDB_LOCK_STOLEN');
    } finally {
      await thief.close();
    }
    // The thief is gone: b gets the lock back and writes.
    await waitFor(async () => (await readRemote(server)).ucast.length === 3, 'b writes again');
  });
});

describe('with a real EVPN RIB', () => {
  it('received type-2 and type-3 routes become rows', async () => {
    const sw = await open();
    const rib = new EvpnRib({ routerId: 0xc000020a, localAs: 65010, listener: { deltas: (b) => sw.applyRibDeltas(b), event: () => undefined } });
    rib.setEvi({ vni: 5000 }, 0);
    rib.peerUp({ address: '127.0.0.2', remoteAs: 65000, localAs: 65010, routerId: 0xc0000214 }, 0);
    const ext = buildEvpnCommunities({ routeTargets: ['65000:5000'], encapsulation: 8 });
    const routes: MacIpRoute[] = [
      { type: 2, rd: '192.0.2.20:1', esi: '00000000000000000000', ethTag: 0, mac: 0x020000000001, label1: 5000 },
      { type: 2, rd: '192.0.2.20:1', esi: '00000000000000000000', ethTag: 0, mac: 0x020000000002, ip: { v: 4, addr: 0x0a000002 }, label1: 6000 },
    ];
    const update: UpdateMessage = {
      type: 'update', withdrawn: [], nlri: [],
      attributes: { origin: 0, asPath: [{ type: 2, asns: [65000] }], extCommunities: ext, mpReach: { afi: 25, safi: 70, nextHop: Buffer.from([192, 0, 2, 20]), nlri: encodeEvpnNlri(routes) } },
    };
    expect(rib.receiveUpdate('127.0.0.2', update, [], 1).ok).toBe(true);
    const imet: ImetRoute = { type: 3, rd: '192.0.2.20:1', ethTag: 0, originator: { v: 4, addr: 0xc0000214 } };
    const flood: UpdateMessage = {
      type: 'update', withdrawn: [], nlri: [],
      attributes: {
        origin: 0, asPath: [{ type: 2, asns: [65000] }], extCommunities: ext,
        pmsiTunnel: ingressReplicationPmsi(5000, { v: 4, addr: 0xc0000215 }),
        mpReach: { afi: 25, safi: 70, nextHop: Buffer.from([192, 0, 2, 20]), nlri: encodeEvpnNlri([imet]) },
      },
    };
    expect(rib.receiveUpdate('127.0.0.2', flood, [], 1).ok).toBe(true);
    await sw.whenIdle();
    const rows = await readRemote(server);
    expect(ucastLines(rows)).toEqual([
      'ls0 02:00:00:00:00:01 - 192.0.2.20',
      'ls0 02:00:00:00:00:02 10.0.0.2 192.0.2.20/6000',
    ]);
    // The PMSI tunnel endpoint, not the originator, is the flood member (RFC 6514 §5).
    expect(floodLines(rows)).toEqual(['ls0 unknown-dst: 192.0.2.21']);
  });
});
