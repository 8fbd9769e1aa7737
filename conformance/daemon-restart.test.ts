/**
 * l2bgwd restarted, seen by a real gobgpd with graceful restart (RFC 4724):
 * - first start in a fresh data_dir: our Graceful Restart capability has R=0;
 * - SIGTERM, start again on the same data_dir: the OPEN GoBGP receives has R=1
 *   (RFC 4724 §4.1), until End-of-RIB from every peer; then new sessions carry R=0;
 * - GoBGP keeps the route we originate across the restart (RFC 8538: both sides
 *   announce the N bit, so our Cease is a graceful one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGobgp } from '../test/support/bgp-peers.js';
import type { GobgpNeighbor, Gobgpd } from '../test/support/bgp-peers.js';
import { missingTool, waitFor } from '../test/support/process.js';
import { LAB_VNI, daemonYaml, gobgpPeerConfig, peerEntry, stopInOrder, switchEntry } from '../test/support/daemon-lab.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';
import { setUpSwitch, vtepCtl } from '../test/vtep/switch-helpers.js';

const missing = missingTool('restart test', 'gobgpd', 'gobgp', 'ovsdb-server', 'vtep-ctl');

const L2 = '127.0.0.1';
const GOBGP = '127.0.0.6';
const LOCAL_MAC = '02:00:00:00:0e:01';

/**
 * GoBGP shows the capabilities it received as protobuf (apipb.GracefulRestartCapability:
 * flags = 1, time = 2, tuples = 3); flags are the capability's top four bits, R = 8, N = 4.
 */
function restartFlags(n: GobgpNeighbor): { restarting: boolean; notification: boolean; time: number } | undefined {
  const cap = n.state.remote_cap?.find((c) => c.type_url.endsWith('.GracefulRestartCapability'));
  if (!cap) return undefined;
  const b = Buffer.from(cap.value ?? '', 'base64');
  const fields = new Map<number, number>();
  let o = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = b[o++];
      v += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return v;
    }
  };
  while (o < b.length) {
    const key = varint();
    if ((key & 7) === 0) fields.set(key >>> 3, varint());
    else if ((key & 7) === 2) {
      const len = varint();
      o += len;
    }
    else throw new Error(`unexpected wire type in ${cap.value}`);
  }
  const flags = fields.get(1) ?? 0;
  return { restarting: (flags & 8) !== 0, notification: (flags & 4) !== 0, time: fields.get(2) ?? 0 };
}

describe.skipIf(missing !== undefined)('l2bgwd restarted, seen by gobgpd', () => {
  let vtep: OvsdbServer;
  let gobgp: Gobgpd;
  let d: L2bgwd;

  const config = (holdTime: number) => daemonYaml({
    peers: [peerEntry(GOBGP, gobgp.port, L2, `hold_time: ${holdTime}`)],
    vteps: [switchEntry(vtep.unixRemote)],
  });
  const neighbor = () => gobgp.neighbor(L2);
  const ourRoute = async () => (await gobgp.gobgp('global', 'rib', '-a', 'evpn')).includes(LOCAL_MAC);
  const established = async () => (await gobgp.sessionState(L2)) === 'established';

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    await setUpSwitch(vtep, 'ps0', '192.0.2.1', { ls0: LAB_VNI });
    await vtepCtl(vtep, 'add-ucast-local', 'ls0', LOCAL_MAC, '192.0.2.1');
    gobgp = await startGobgp({ config: gobgpPeerConfig({ address: GOBGP, routerId: '10.0.0.6', neighbor: L2, restartTime: 60, notification: true }) });
    d = l2bgwd(config(90));
  }, 60_000);

  afterAll(() => stopInOrder(d, gobgp, vtep), 30_000);

  it('first start in a fresh data_dir: GoBGP sees R=0 (and N=1), and gets our route', async () => {
    await d.start();
    await d.waitForLine((l) => l.msg === `peer ${GOBGP} (AS 65000) up`, 'the session');
    await waitFor(established, 'GoBGP Established');
    expect(restartFlags(await neighbor())).toEqual({ restarting: false, notification: true, time: 120 });
    expect(d.lines.some((l) => l.msg.startsWith('restarting:'))).toBe(false);
    await waitFor(ourRoute, 'our route at GoBGP', 20_000);
  }, 60_000);

  /** Polls GoBGP's RIB from the stop to the new session: any moment without our route. */
  const watch = { on: false, checks: 0, missing: 0, done: Promise.resolve() };
  const watchRoute = (): void => {
    watch.on = true;
    watch.done = (async () => {
      while (watch.on) {
        watch.checks++;
        if (!(await ourRoute())) watch.missing++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
  };

  it('SIGTERM: GoBGP keeps our route while we are gone (Cease 6/2 with the N bit is graceful)', async () => {
    watchRoute();
    expect(await d.stop()).toBe(0);
    await waitFor(async () => !(await established()), 'GoBGP to see the session go', 10_000);
    await waitFor(() => gobgp.notifications().some((n) => n.Code === 6 && n.Subcode === 2), 'GoBGP to log our Cease 6/2', 5_000);
    expect(gobgp.output()).toContain('peer graceful restart');
    // Down for a while, as a restart would be: the route stays (stale) at GoBGP.
    await new Promise((r) => setTimeout(r, 1500));
  }, 30_000);

  it('restarted on the same data_dir: the OPEN carries R=1 until End-of-RIB, and the route never left GoBGP', async () => {
    const opensBefore = (await neighbor()).state.messages?.received?.open ?? 0;
    await d.start();
    await d.waitForLine((l) => l.msg === 'restarting: Graceful Restart R bit set until End-of-RIB from every peer', 'the restarting line');
    await d.waitForLine((l) => l.msg === `peer ${GOBGP} (AS 65000) up`, 'the session');
    await waitFor(async () => (await established()) && ((await neighbor()).state.messages?.received?.open ?? 0) > opensBefore, 'GoBGP Established again');
    expect(restartFlags(await neighbor())).toEqual({ restarting: true, notification: true, time: 120 });
    watch.on = false;
    await watch.done;
    expect(watch.checks).toBeGreaterThan(10);
    expect(watch.missing).toBe(0);
    await d.waitForLine((l) => l.msg.startsWith(`End-of-RIB from ${GOBGP}`), 'End-of-RIB from GoBGP');
    await d.waitForLine((l) => l.msg === 'restart complete: Graceful Restart R bit cleared for new sessions', 'the restart to complete');
  }, 60_000);

  it('after the restart a new session carries R=0 again', async () => {
    const opensBefore = (await neighbor()).state.messages?.received?.open ?? 0;
    // A hold time change resets the session from our side (Cease 6/6): a new OPEN.
    d.writeConfig(config(30));
    d.signal('SIGHUP');
    await waitFor(async () => (await established()) && ((await neighbor()).state.messages?.received?.open ?? 0) > opensBefore, 'a new session', 30_000);
    expect(restartFlags(await neighbor())).toEqual({ restarting: false, notification: true, time: 120 });
    await waitFor(ourRoute, 'our route at GoBGP', 20_000);
  }, 60_000);
});
