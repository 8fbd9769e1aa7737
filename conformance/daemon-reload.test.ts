/**
 * SIGHUP against live peers: l2bgwd with real gobgpd peers on loopback.
 * (a) One reload adds a peer, removes a peer and changes an EVI's route target: the
 *     untouched session is not reset (same uptime, no new OPEN at that gobgpd), the
 *     new peer comes up, the removed one receives Cease/Peer De-configured (RFC 4486
 *     subcode 3), and the peers see our route with the new route target.
 * (b) A bad file: the daemon logs the key at fault, keeps running on the old config,
 *     and no session moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionStateOf, startGobgp } from '../test/support/bgp-peers.js';
import type { Gobgpd } from '../test/support/bgp-peers.js';
import { missingTool, waitFor } from '../test/support/process.js';
import { LAB_VNI, daemonYaml, gobgpPeerConfig, peerEntry, switchEntry } from '../test/support/daemon-lab.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';
import { setUpSwitch } from '../test/vtep/switch-helpers.js';

const missing = missingTool('reload test', 'gobgpd', 'gobgp', 'ovsdb-server', 'vtep-ctl');

const US = '127.0.0.1';
const KEPT = '127.0.0.7';
const REMOVED = '127.0.0.8';
const ADDED = '127.0.0.9';

describe.skipIf(missing !== undefined)('SIGHUP with live gobgpd peers', () => {
  let vtep: OvsdbServer;
  const peers = new Map<string, Gobgpd>();
  let d: L2bgwd;

  const peer = (a: string): Gobgpd => peers.get(a) as Gobgpd;
  const neighbor = (a: string) => peer(a).neighbor(US);
  const established = async (a: string) => (await peer(a).sessionState(US)) === 'established';
  const rib = (a: string) => peer(a).gobgp('global', 'rib', '-a', 'evpn');
  const config = (peerAddresses: string[], exportRt: string) => daemonYaml({
    peers: peerAddresses.map((a) => peerEntry(a, peer(a).port, US)),
    vteps: [switchEntry(vtep.unixRemote)],
    extra: ['evpn:', '  vnis:', `    - { vni: 5000, export_rts: ["${exportRt}"] }`],
  });

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    await setUpSwitch(vtep, 'ps0', '192.0.2.1', { ls0: LAB_VNI });
    const started = await Promise.all([[KEPT, '10.0.0.7'], [REMOVED, '10.0.0.8'], [ADDED, '10.0.0.9']].map(async ([a, id]) =>
      [a, await startGobgp({ config: gobgpPeerConfig({ address: a, routerId: id, neighbor: US, restartTime: 60 }) })] as const));
    for (const [a, g] of started) peers.set(a, g);
    d = l2bgwd(config([KEPT, REMOVED], '65000:5000'));
    await d.start();
    await waitFor(async () => (await established(KEPT)) && (await established(REMOVED)), 'both sessions', 30_000);
    await waitFor(async () => (await rib(KEPT)).includes('65000:5000'), 'our type-3 at GoBGP', 20_000);
  }, 90_000);

  afterAll(async () => {
    await d?.dispose();
    await Promise.all([...peers.values()].map((g) => g.dispose()));
    await vtep?.dispose();
  }, 30_000);

  it('(a) add a peer, remove a peer, change an EVI: only the sessions concerned move', async () => {
    const before = await neighbor(KEPT);
    const opens = before.state.messages?.received?.open ?? 0;
    const uptime = before.timers?.state?.uptime?.seconds;
    expect(opens).toBeGreaterThan(0);

    d.writeConfig(config([KEPT, ADDED], '65000:5999'));
    d.signal('SIGHUP');
    const reloaded = await d.waitForLine((l) => l.msg === 'config reloaded', 'the reload');
    expect(reloaded.changes).toEqual(expect.arrayContaining([`peer ${ADDED} added`, `peer ${REMOVED} removed`]));

    // The removed peer: Cease/Peer De-configured, as GoBGP logs it.
    await waitFor(() => peer(REMOVED).notifications().some((n) => n.Code === 6 && n.Subcode === 3), 'Cease 6/3 at the removed gobgpd', 10_000);
    await waitFor(async () => !(await established(REMOVED)), 'the removed session down', 10_000);

    // The new peer comes up and gets our route with the new route target.
    await waitFor(() => established(ADDED), 'the added session', 30_000);
    await waitFor(async () => (await rib(ADDED)).includes('65000:5999'), 'the new RT at the added peer', 20_000);

    // The kept peer sees the new route target on the same session.
    await waitFor(async () => (await rib(KEPT)).includes('65000:5999') && !(await rib(KEPT)).includes('65000:5000'), 'the new RT at the kept peer', 20_000);
    const after = await neighbor(KEPT);
    expect(sessionStateOf(after)).toBe('established');
    expect(after.state.messages?.received?.open).toBe(opens);
    expect(after.state.messages?.received?.notification ?? 0).toBe(0);
    expect(after.timers?.state?.uptime?.seconds).toBe(uptime);
    expect(peer(KEPT).output().split('\n').filter((l) => l.includes('"Peer Up"'))).toHaveLength(1);
  }, 90_000);

  it('(b) a bad file: the error names the key, the old config keeps running, no session moves', async () => {
    const opens = await Promise.all([KEPT, ADDED].map(async (a) => (await neighbor(a)).state.messages?.received?.open));
    d.writeConfig(config([KEPT, ADDED], '65000:5999').replace(`remote_as: 65000, port: ${peer(ADDED).port}`, `remote_as: "abc", port: ${peer(ADDED).port}`));
    d.signal('SIGHUP');
    const rejected = await d.waitForLine((l) => l.msg === 'config reload rejected; keeping the running config', 'the rejection');
    expect(rejected.level).toBe('warn');
    const errors = d.lines.filter((l) => l.msg === 'config error');
    expect(errors.map((l) => l.error)).toEqual([expect.stringMatching(/^bgp\.peers\[1\]\.remote_as: .*"abc"/)]);
    expect(errors[0].level).toBe('error');
    await new Promise((r) => setTimeout(r, 1000));
    expect(d.pid).toBeDefined();
    for (const [i, a] of [KEPT, ADDED].entries()) {
      const n = await neighbor(a);
      expect(sessionStateOf(n)).toBe('established');
      expect(n.state.messages?.received?.open).toBe(opens[i]);
    }
    // Still serving: a good file after the bad one applies. What only a restart applies
    // (here the connect retry time) is said, not silently ignored.
    d.writeConfig(config([KEPT, ADDED], '65000:5000').replace('connect_retry: 1', 'connect_retry: 2'));
    d.signal('SIGHUP');
    await waitFor(async () => (await rib(KEPT)).includes('65000:5000'), 'the RT back at the kept peer', 20_000);
    const later = await d.waitForLine((l) => l.msg.startsWith('reload: '), 'the restart-only warning');
    expect(later).toMatchObject({ level: 'warn', msg: 'reload: bgp.connect_retry changed; this takes effect at the next start' });
  }, 60_000);
});
