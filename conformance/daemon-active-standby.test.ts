/**
 * Two l2bgwd serving one switch as active/standby (DESIGN.md §6): both name the same
 * OVSDB lock (`vteps[].lock`, RFC 7047 §4.1.8). Both hear the same routes from a BGP
 * peer; only the lock holder writes, so every row exists once. When the holder is
 * killed (kill -9, no goodbye), ovsdb-server hands the lock to the standby, which
 * then writes what changed since. The peer is a speaker of our own session layer on a
 * real socket; the switch is a real hardware_vtep ovsdb-server.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgpSpeaker } from '../src/bgp/session/speaker.js';
import type { Peer } from '../src/bgp/session/peer.js';
import { endOfRib } from '../src/bgp/wire/message.js';
import type { UpdateMessage } from '../src/bgp/wire/types.js';
import { TunnelType, buildEvpnCommunities } from '../src/evpn/ext-communities.js';
import { EVPN_AFI, EVPN_SAFI, encodeEvpnNlri } from '../src/evpn/nlri.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { waitFor } from '../test/support/process.js';
import { freePort, startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';

const missing = ['ovsdb-server', 'vtep-ctl'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
if (missing) console.warn(`active/standby test skipped: ${missing} is not installed`);

const PEER = '127.0.0.13';
const SPEAKERS = ['127.0.0.1', '127.0.0.2'];
const LOCK = 'l2bgw_ps0';

function type2(mac: number): UpdateMessage {
  const ext = buildEvpnCommunities({ routeTargets: ['65000:5000'], encapsulation: TunnelType.VXLAN });
  const nlri = encodeEvpnNlri([{ type: 2, rd: '10.0.0.13:5000', esi: '00000000000000000000', ethTag: 0, mac, label1: 5000 }]);
  return {
    type: 'update', withdrawn: [], nlri: [],
    attributes: { origin: 0, asPath: [], localPref: 100, extCommunities: ext, mpReach: { afi: EVPN_AFI, safi: EVPN_SAFI, nextHop: Buffer.from([198, 51, 100, 13]), nlri } },
  };
}

describe.skipIf(missing !== undefined)('two speakers on one switch, active/standby by OVSDB lock', () => {
  let vtep: OvsdbServer;
  let peer: BgpSpeaker;
  const sessions = new Map<string, Peer>();
  const daemons: L2bgwd[] = [];
  const apiPorts: number[] = [];
  /** GET /v2.0/vteps of a daemon: what it says of the lock. */
  const lockOf = async (i: number): Promise<unknown> => {
    const token = readFileSync(join(daemons[i].dataDir, 'admin.token'), 'utf8').trim();
    const r = await fetch(`http://127.0.0.1:${apiPorts[i]}/v2.0/vteps`, { headers: { authorization: `Bearer ${token}` } });
    return ((await r.json()) as { vteps: Array<{ lock?: unknown }> }).vteps[0].lock;
  };

  const vtepCtl = (...args: string[]): string => spawnSync('vtep-ctl', [`--db=unix:${vtep.socketPath}`, ...args], { encoding: 'utf8' }).stdout;
  const rowsOf = (mac: string): number => vtepCtl('list-remote-macs', 'ls0').split('\n').filter((l) => l.includes(mac)).length;

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    expect(spawnSync('vtep-ctl', [`--db=unix:${vtep.socketPath}`, 'add-ps', 'ps0', '--', 'set', 'Physical_Switch', 'ps0', 'tunnel_ips=192.0.2.1',
      '--', 'add-ls', 'ls0', '--', 'set', 'Logical_Switch', 'ls0', 'tunnel_key=5000'], { encoding: 'utf8' }).status).toBe(0);
    peer = new BgpSpeaker({
      config: { routerId: '10.0.0.13', localAs: 65000, listen: { host: PEER, port: 0 }, peers: SPEAKERS.map((address) => ({ address, remoteAs: 65000, passive: true })) },
    });
    peer.on('established', (p) => {
      sessions.set(p.address, p);
      void peer.sendUpdates(p, [type2(0x02dd00000001), endOfRib({ afi: EVPN_AFI, safi: EVPN_SAFI })]);
    });
    await peer.start();
    for (const _ of SPEAKERS) apiPorts.push(await freePort());
    SPEAKERS.forEach((address, i) => daemons.push(l2bgwd([
      `router_id: 192.0.2.${11 + i}`,
      'local_as: 65000',
      'bgp:',
      '  connect_retry: 1',
      '  peers:',
      `    - { address: ${PEER}, remote_as: 65000, port: ${peer.listenAddress()?.port}, local_address: ${address} }`,
      'vteps:',
      `  - { switch: ps0, ovsdb: "unix:${vtep.socketPath}", lock: ${LOCK} }`,
      'api:',
      `  listen: { host: 127.0.0.1, port: ${apiPorts[i]} }`,
      'log_level: info',
    ].join('\n'))));
  }, 60_000);

  afterAll(async () => {
    for (const d of daemons) await d.dispose();
    await peer?.close();
    await vtep?.dispose();
  }, 30_000);

  it('only the holder writes; after it is killed the standby takes the lock and writes', async () => {
    for (const d of daemons) await d.start();
    const holding = (d: L2bgwd): boolean => d.lines.some((l) => l.msg.startsWith(`switch ps0: holding lock ${LOCK}`));
    const standing = (d: L2bgwd): boolean => d.lines.some((l) => l.msg.startsWith(`switch ps0: lock ${LOCK} is held by another speaker`));
    await waitFor(() => daemons.filter(holding).length === 1 && daemons.filter(standing).length === 1, 'one holder and one standby', 20_000);
    const active = daemons.find(holding) as L2bgwd;
    const standby = daemons.find(standing) as L2bgwd;
    await waitFor(() => sessions.size === 2, 'both sessions', 20_000);
    await waitFor(() => rowsOf('02:dd:00:00:00:01') === 1, 'the row, written once', 20_000);
    expect(await lockOf(daemons.indexOf(active))).toEqual({ name: LOCK, held: true });
    expect(await lockOf(daemons.indexOf(standby))).toEqual({ name: LOCK, held: false });

    active.signal('SIGKILL');
    await waitFor(() => holding(standby), 'the standby to take the lock', 20_000);
    expect(await lockOf(daemons.indexOf(standby))).toEqual({ name: LOCK, held: true });
    // A route learned after the takeover is written by the new holder.
    const left = sessions.get(SPEAKERS[daemons.indexOf(standby)]) as Peer;
    expect(peer.sendUpdates(left, [type2(0x02dd00000002)])).toBe(true);
    await waitFor(() => rowsOf('02:dd:00:00:00:02') === 1, 'the new row from the new holder', 20_000);
    expect(rowsOf('02:dd:00:00:00:01')).toBe(1);
  }, 90_000);
});
