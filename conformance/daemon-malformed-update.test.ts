/**
 * An UPDATE whose EVPN NLRI framing is broken cannot be treated as withdraw (RFC 7606
 * §5.3: the routes cannot be told apart): l2bgwd answers with NOTIFICATION UPDATE
 * Message Error / Optional Attribute Error (3/9, RFC 4760 §7) and closes the session,
 * and says so in its log. The sending peer is a speaker of our own session layer on a
 * real socket, since neither gobgp nor vtysh can send broken NLRI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BgpSpeaker } from '../src/bgp/session/speaker.js';
import type { DownReason } from '../src/bgp/fsm/types.js';
import {
  LAB_VNI, daemonYaml, evpnUpdate, peerEntry, startTestSpeaker, stopInOrder, switchEntry,
} from '../test/support/daemon-lab.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import { missingTool, waitFor } from '../test/support/process.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';
import { setUpSwitch } from '../test/vtep/switch-helpers.js';

const missing = missingTool('malformed UPDATE test', 'ovsdb-server', 'vtep-ctl');

const US = '127.0.0.1';
const PEER = '127.0.0.11';

describe.skipIf(missing !== undefined)('a malformed UPDATE from a peer', () => {
  let vtep: OvsdbServer;
  let peer: BgpSpeaker;
  let d: L2bgwd;
  const downs: DownReason[] = [];

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    await setUpSwitch(vtep, 'ps0', '192.0.2.1', { ls0: LAB_VNI });
    // A type-2 route whose length octet claims 40 octets where 1 follows.
    peer = await startTestSpeaker('10.0.0.11', PEER, [US], [evpnUpdate(Buffer.from([2, 40, 0]), '198.51.100.11')]);
    peer.on('down', (_p, reason) => downs.push(reason));
    d = l2bgwd(daemonYaml({ peers: [peerEntry(PEER, peer.listenAddress()?.port, US)], vteps: [switchEntry(vtep.unixRemote)] }));
  }, 60_000);

  afterAll(() => stopInOrder(d, peer, vtep), 30_000);

  it('gets NOTIFICATION 3/9 and a warning naming the peer, and the daemon keeps running', async () => {
    await d.start();
    const warn = await d.waitForLine((l) => l.msg.startsWith(`malformed UPDATE from ${PEER}`), 'the warning', 30_000);
    expect(warn.level).toBe('warn');
    await waitFor(() => downs.length > 0, 'the session to go down at the peer', 10_000);
    expect(downs[0]).toMatchObject({ kind: 'notification-received', notification: { code: 3, subcode: 9 } });
    expect(d.lines.some((l) => l.level === 'fatal')).toBe(false);
  }, 60_000);
});
