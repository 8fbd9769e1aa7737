/**
 * Two l2bgwd serving one switch as active/standby (DESIGN.md §6): both name the same
 * OVSDB lock (`vteps[].lock`, RFC 7047 §4.1.8). Both hear the same routes from a BGP
 * peer; only the lock holder writes, so every row exists once. When the holder is
 * killed (kill -9, no goodbye), ovsdb-server hands the lock to the standby, which
 * then writes what changed since. The peer is a speaker of our own session layer on a
 * real socket; the switch is a real hardware_vtep ovsdb-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BgpSpeaker } from '../src/bgp/session/speaker.js';
import type { Peer } from '../src/bgp/session/peer.js';
import {
  LAB_VNI, daemonYaml, evpnEndOfRib, peerEntry, remoteMacs, startTestSpeaker, stopInOrder, switchEntry, type2Update,
} from '../test/support/daemon-lab.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { missingTool, waitFor } from '../test/support/process.js';
import { startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';
import { setUpSwitch } from '../test/vtep/switch-helpers.js';

const missing = missingTool('active/standby test', 'ovsdb-server', 'vtep-ctl');

const PEER = '127.0.0.13';
const SPEAKERS = ['127.0.0.1', '127.0.0.2'];
const LOCK = 'l2bgw_ps0';

const type2 = (mac: number) => type2Update('10.0.0.13:5000', [mac], '198.51.100.13');

describe.skipIf(missing !== undefined)('two speakers on one switch, active/standby by OVSDB lock', () => {
  let vtep: OvsdbServer;
  let peer: BgpSpeaker;
  const sessions = new Map<string, Peer>();
  const daemons: L2bgwd[] = [];
  /** GET /v2.0/vteps of a daemon: what it says of the lock. */
  const lockOf = async (d: L2bgwd): Promise<unknown> => (await d.rest<{ vteps: Array<{ lock?: unknown }> }>('GET', '/v2.0/vteps')).body.vteps[0].lock;

  const rowsOf = async (mac: string): Promise<number> => (await remoteMacs(vtep)).split('\n').filter((l) => l.includes(mac)).length;

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    await setUpSwitch(vtep, 'ps0', '192.0.2.1', { ls0: LAB_VNI });
    peer = await startTestSpeaker('10.0.0.13', PEER, SPEAKERS, [type2(0x02dd00000001), evpnEndOfRib()]);
    peer.on('established', (p) => sessions.set(p.address, p));
    SPEAKERS.forEach((address, i) => daemons.push(l2bgwd(daemonYaml({
      routerId: `192.0.2.${11 + i}`,
      peers: [peerEntry(PEER, peer.listenAddress()?.port, address)],
      vteps: [switchEntry(vtep.unixRemote, `lock: ${LOCK}`)],
      extra: ['api:', '  listen: { host: 127.0.0.1, port: 0 }'],
    }))));
  }, 60_000);

  afterAll(() => stopInOrder(...daemons, peer, vtep), 30_000);

  it('only the holder writes; after it is killed the standby takes the lock and writes', async () => {
    for (const d of daemons) await d.start();
    const holding = (d: L2bgwd): boolean => d.lines.some((l) => l.msg.startsWith(`switch ps0: holding lock ${LOCK}`));
    const standing = (d: L2bgwd): boolean => d.lines.some((l) => l.msg.startsWith(`switch ps0: lock ${LOCK} is held by another speaker`));
    await waitFor(() => daemons.filter(holding).length === 1 && daemons.filter(standing).length === 1, 'one holder and one standby', 20_000);
    const active = daemons.find(holding) as L2bgwd;
    const standby = daemons.find(standing) as L2bgwd;
    await waitFor(() => sessions.size === 2, 'both sessions', 20_000);
    await waitFor(async () => (await rowsOf('02:dd:00:00:00:01')) === 1, 'the row, written once', 20_000);
    expect(await lockOf(active)).toEqual({ name: LOCK, held: true });
    expect(await lockOf(standby)).toEqual({ name: LOCK, held: false });

    active.signal('SIGKILL');
    await waitFor(() => holding(standby), 'the standby to take the lock', 20_000);
    expect(await lockOf(standby)).toEqual({ name: LOCK, held: true });
    // A route learned after the takeover is written by the new holder.
    const left = sessions.get(SPEAKERS[daemons.indexOf(standby)]) as Peer;
    expect(peer.sendUpdates(left, [type2(0x02dd00000002)])).toBe(true);
    await waitFor(async () => (await rowsOf('02:dd:00:00:00:02')) === 1, 'the new row from the new holder', 20_000);
    expect(await rowsOf('02:dd:00:00:00:01')).toBe(1);
  }, 90_000);
});
