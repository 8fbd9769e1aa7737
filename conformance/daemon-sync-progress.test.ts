/**
 * The progress line of a peer's initial table, end to end: l2bgwd connects to a test
 * peer on loopback that answers with 25,000 type-2 routes in back-to-back UPDATEs, then
 * End-of-RIB. The test peer is a speaker of our own session layer over a real TCP
 * socket (gobgp's CLI adds one route per process, far too slow); the routes become rows
 * in a real hardware_vtep ovsdb-server. l2bgwd logs one line at 10,000 and one at
 * 20,000 routes, with the routes received and the switch rows written, then End-of-RIB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BgpSpeaker } from '../src/bgp/session/speaker.js';
import type { UpdateMessage } from '../src/bgp/wire/types.js';
import {
  LAB_VNI, daemonYaml, evpnEndOfRib, peerEntry, startTestSpeaker, stopInOrder, switchEntry, type2Update,
} from '../test/support/daemon-lab.js';
import { missingTool, waitFor } from '../test/support/process.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd, LogLine } from '../test/support/l2bgwd.js';
import { startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';
import { setUpSwitch } from '../test/vtep/switch-helpers.js';

const missing = missingTool('sync progress test', 'ovsdb-server', 'vtep-ctl');

const US = '127.0.0.1';
const PEER = '127.0.0.10';
const ROUTES = 25_000;

/** MAC-only type-2 routes an UPDATE: 35 octets each, 3,500 of NLRI, within the 4,096-octet message (RFC 4271 §4). */
const ROUTES_PER_UPDATE = 100;

/** The table: ROUTES MAC-only type-2 routes of VNI 5000 in back-to-back UPDATEs. */
function table(): UpdateMessage[] {
  return Array.from({ length: ROUTES / ROUTES_PER_UPDATE }, (_, u) => {
    const macs = Array.from({ length: ROUTES_PER_UPDATE }, (_, i) => 0x02aa00000000 + u * ROUTES_PER_UPDATE + i);
    return type2Update('10.0.0.10:5000', macs, '198.51.100.10');
  });
}

describe.skipIf(missing !== undefined)('initial table progress', () => {
  let vtep: OvsdbServer;
  let peer: BgpSpeaker;
  let d: L2bgwd;

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    await setUpSwitch(vtep, 'ps0', '192.0.2.1', { ls0: LAB_VNI });
    // The whole table at once, as a peer with a full Adj-RIB-Out sends it, then End-of-RIB.
    peer = await startTestSpeaker('10.0.0.10', PEER, [US], [...table(), evpnEndOfRib()]);
    d = l2bgwd(daemonYaml({ peers: [peerEntry(PEER, peer.listenAddress()?.port, US)], vteps: [switchEntry(vtep.unixRemote)] }));
  }, 60_000);

  afterAll(() => stopInOrder(d, peer, vtep), 30_000);

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
