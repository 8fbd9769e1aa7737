/**
 * An UPDATE whose EVPN NLRI framing is broken cannot be treated as withdraw (RFC 7606
 * §5.3: the routes cannot be told apart): l2bgwd answers with NOTIFICATION UPDATE
 * Message Error / Optional Attribute Error (3/9, RFC 4760 §7) and closes the session,
 * as FRR and GoBGP do, and says so in its log. The sending peer is a speaker of our own
 * session layer on a real socket, since neither gobgp nor vtysh can send broken NLRI.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgpSpeaker } from '../src/bgp/session/speaker.js';
import type { DownReason } from '../src/bgp/fsm/types.js';
import { TunnelType, buildEvpnCommunities } from '../src/evpn/ext-communities.js';
import { EVPN_AFI, EVPN_SAFI } from '../src/evpn/nlri.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';

const missing = ['ovsdb-server', 'vtep-ctl'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
if (missing) console.warn(`malformed UPDATE test skipped: ${missing} is not installed`);

const US = '127.0.0.1';
const PEER = '127.0.0.11';

describe.skipIf(missing !== undefined)('a malformed UPDATE from a peer', () => {
  let vtep: OvsdbServer;
  let peer: BgpSpeaker;
  let d: L2bgwd;
  const downs: DownReason[] = [];

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    expect(spawnSync('vtep-ctl', [`--db=unix:${vtep.socketPath}`, 'add-ps', 'ps0', '--', 'set', 'Physical_Switch', 'ps0', 'tunnel_ips=192.0.2.1',
      '--', 'add-ls', 'ls0', '--', 'set', 'Logical_Switch', 'ls0', 'tunnel_key=5000'], { encoding: 'utf8' }).status).toBe(0);
    peer = new BgpSpeaker({
      config: { routerId: '10.0.0.11', localAs: 65000, listen: { host: PEER, port: 0 }, peers: [{ address: US, remoteAs: 65000, passive: true }] },
    });
    const ext = buildEvpnCommunities({ routeTargets: ['65000:5000'], encapsulation: TunnelType.VXLAN });
    // A type-2 route whose length octet claims 40 octets where 1 follows.
    const nlri = Buffer.from([2, 40, 0]);
    peer.on('established', (p) => void peer.sendUpdates(p, [{
      type: 'update', withdrawn: [], nlri: [],
      attributes: { origin: 0, asPath: [], localPref: 100, extCommunities: ext, mpReach: { afi: EVPN_AFI, safi: EVPN_SAFI, nextHop: Buffer.from([198, 51, 100, 11]), nlri } },
    }]));
    peer.on('down', (_p, reason) => downs.push(reason));
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

  it('gets NOTIFICATION 3/9 and a warning naming the peer, and the daemon keeps running', async () => {
    await d.start();
    const warn = await d.waitForLine((l) => l.msg.startsWith(`malformed UPDATE from ${PEER}`), 'the warning', 30_000);
    expect(warn.level).toBe('warn');
    const end = performance.now() + 10_000;
    while (downs.length === 0 && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(downs[0]).toMatchObject({ kind: 'notification-received', notification: { code: 3, subcode: 9 } });
    expect(d.lines.some((l) => l.level === 'fatal')).toBe(false);
  }, 60_000);
});
