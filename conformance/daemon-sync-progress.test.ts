/**
 * The progress line of a peer's initial table, end to end: l2bgwd connects to a test
 * peer on loopback that answers with 25,000 type-2 routes in back-to-back UPDATEs, then
 * End-of-RIB. The test peer is a speaker of our own session layer over a real TCP
 * socket (gobgp's CLI adds one route per process, far too slow); the routes become rows
 * in a real hardware_vtep ovsdb-server. l2bgwd logs one line at 10,000 and one at
 * 20,000 routes, with the routes received and the switch rows written, then End-of-RIB.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgpSpeaker } from '../src/bgp/session/speaker.js';
import { endOfRib } from '../src/bgp/wire/message.js';
import type { UpdateMessage } from '../src/bgp/wire/types.js';
import { TunnelType, buildEvpnCommunities } from '../src/evpn/ext-communities.js';
import { EVPN_AFI, EVPN_SAFI, evpnRouteValueLength, writeEvpnRoute } from '../src/evpn/nlri.js';
import type { MacIpRoute } from '../src/evpn/types.js';
import { waitFor } from '../test/support/process.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd, LogLine } from '../test/support/l2bgwd.js';
import { startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';

const missing = ['ovsdb-server', 'vtep-ctl'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
if (missing) console.warn(`sync progress test skipped: ${missing} is not installed`);

const US = '127.0.0.1';
const PEER = '127.0.0.10';
const ROUTES = 25_000;
const VNI = 5000;

/** `count` MAC-only type-2 routes for one EVI, packed into UPDATEs of at most 4096 octets. */
function type2Updates(count: number): UpdateMessage[] {
  const ext = buildEvpnCommunities({ routeTargets: [`65000:${VNI}`], encapsulation: TunnelType.VXLAN });
  // Room left for NLRI beside the header and these attributes.
  const budget = 4096 - 80 - ext.length;
  const out: UpdateMessage[] = [];
  for (let made = 0; made < count;) {
    const batch: MacIpRoute[] = [];
    let used = 0;
    while (made < count) {
      const r: MacIpRoute = { type: 2, rd: `10.0.0.10:${VNI}`, esi: '00000000000000000000', ethTag: 0, mac: 0x02aa00000000 + made, label1: VNI };
      const len = 2 + evpnRouteValueLength(r);
      if (used + len > budget) break;
      batch.push(r);
      used += len;
      made++;
    }
    const nlri = Buffer.alloc(used);
    let off = 0;
    for (const r of batch) off = writeEvpnRoute(r, nlri, off);
    out.push({
      type: 'update', withdrawn: [], nlri: [],
      attributes: { origin: 0, asPath: [], localPref: 100, extCommunities: ext, mpReach: { afi: EVPN_AFI, safi: EVPN_SAFI, nextHop: Buffer.from([198, 51, 100, 10]), nlri } },
    });
  }
  return out;
}

describe.skipIf(missing !== undefined)('initial table progress', () => {
  let vtep: OvsdbServer;
  let peer: BgpSpeaker;
  let d: L2bgwd;

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    expect(spawnSync('vtep-ctl', [`--db=unix:${vtep.socketPath}`, 'add-ps', 'ps0', '--', 'set', 'Physical_Switch', 'ps0', 'tunnel_ips=192.0.2.1',
      '--', 'add-ls', 'ls0', '--', 'set', 'Logical_Switch', 'ls0', 'tunnel_key=5000'], { encoding: 'utf8' }).status).toBe(0);
    const updates = type2Updates(ROUTES);
    peer = new BgpSpeaker({
      config: { routerId: '10.0.0.10', localAs: 65000, listen: { host: PEER, port: 0 }, peers: [{ address: US, remoteAs: 65000, passive: true }] },
    });
    // The whole table at once, as a peer with a full Adj-RIB-Out sends it, then End-of-RIB.
    peer.on('established', (p) => void peer.sendUpdates(p, [...updates, endOfRib({ afi: EVPN_AFI, safi: EVPN_SAFI })]));
    await peer.start();
    d = l2bgwd([
      'router_id: 192.0.2.1',
      'local_as: 65000',
      'bgp:',
      '  connect_retry: 1',
      '  peers:',
      `    - { address: ${PEER}, remote_as: 65000, port: ${peer.listenAddress()?.port}, local_address: ${US} }`,
      'vteps:',
      `  - { switch: ps0, ovsdb: "unix:${vtep.socketPath}" }`,
      'log_level: info',
    ].join('\n'));
  }, 60_000);

  afterAll(async () => {
    await d?.dispose();
    await peer?.close();
    await vtep?.dispose();
  }, 30_000);

  it('one line at 10,000 and at 20,000 routes with received and rows written, then End-of-RIB', async () => {
    await d.start();
    const eor = await d.waitForLine((l) => l.msg.startsWith(`End-of-RIB from ${PEER}`), 'End-of-RIB', 30_000);
    expect(eor.routes).toBe(ROUTES);
    const progress = d.lines.filter((l) => l.msg.startsWith(`initial table from ${PEER}:`));
    expect(progress).toHaveLength(2);
    const [first, second] = progress as [LogLine & { received: number; rowsWritten: number }, LogLine & { received: number; rowsWritten: number }];
    expect(first).toMatchObject({ level: 'info', peer: PEER });
    expect(first.received).toBeGreaterThanOrEqual(10_000);
    expect(first.received).toBeLessThan(20_000);
    expect(second.received).toBeGreaterThanOrEqual(20_000);
    expect(second.received).toBeLessThan(ROUTES);
    for (const l of progress) {
      expect(typeof l.rowsWritten).toBe('number');
      expect(l.msg).toBe(`initial table from ${PEER}: ${l.received as number} routes received, ${l.rowsWritten as number} switch rows written`);
    }
    expect(second.rowsWritten).toBeGreaterThanOrEqual(first.rowsWritten);
    // Lines come in order: 10k, 20k, then End-of-RIB.
    expect(d.lines.indexOf(first)).toBeLessThan(d.lines.indexOf(second));
    expect(d.lines.indexOf(second)).toBeLessThan(d.lines.indexOf(eor));
    // And every route becomes a row.
    const remoteRows = async (): Promise<number> => {
      const out = await vtep.client('transact', JSON.stringify(['hardware_vtep', { op: 'select', table: 'Ucast_Macs_Remote', where: [], columns: ['MAC'] }]));
      return (JSON.parse(out) as Array<{ rows: unknown[] }>)[0].rows.length;
    };
    await waitFor(async () => (await remoteRows()) === ROUTES, 'a row per route', 60_000, 250);
  }, 90_000);
});
