/**
 * EVPN both ways between l2bgw's Gateway and a real gobgpd on loopback, plus the session
 * behaviour EVPN relies on: End-of-RIB (RFC 4724 §2) and the receiving side of graceful
 * restart (RFC 4724 §4.2). Route refresh is tested against FRR (evpn-frr.test.ts): GoBGP's
 * `softresetin` re-runs its stored Adj-RIB-In and sends no ROUTE-REFRESH.
 *
 *   gateway (AS 65010, 127.0.0.1) ──iBGP── gobgpd (AS 65010, 127.0.0.3, passive)
 *
 * iBGP keeps the VTEP next hops GoBGP is given (eBGP would rewrite them). The GoBGP CLI
 * has no MAC mobility option; GoBGP numbers a MAC's move itself when it announces a MAC
 * another speaker holds, which is how a sequence number reaches us here. gobgpd is
 * passive so that after a kill the gateway's reconnect (5 s idle hold) leaves time to
 * re-inject routes before the new session's initial table. VTEP addresses in route data
 * are documentation prefixes; every session is on 127/8 on ports picked at run time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../src/daemon/gateway.js';
import { routeRow } from '../src/evpn/rib/view.js';
import type { RouteRow } from '../src/evpn/rib/view.js';
import { startGobgp } from '../test/support/bgp-peers.js';
import type { Gobgpd } from '../test/support/bgp-peers.js';
import { freePort, missingTool, waitFor } from '../test/support/process.js';
import { GOBGP_IMET, GOBGP_MAC_IP, GOBGP_MAC_ONLY, gobgpPeerConfig, startTestGateway } from '../test/support/daemon-lab.js';
import type { LogLine } from '../test/support/l2bgwd.js';

const missing = missingTool('GoBGP interop test', 'gobgpd', 'gobgp');

const US = '127.0.0.1';
const GOBGP = '127.0.0.3';
const AS = 65010;
const VNI = 5000;
const RESTART_TIME = 15;

const FOREIGN_RT = 'macadv aa:bb:cc:00:00:03 0.0.0.0 etag 0 label 7777 rd 192.0.2.2:7777 rt 65001:7777 encap vxlan nexthop 192.0.2.2';
const MOVING = 'macadv aa:bb:cc:00:00:10 0.0.0.0 etag 0 label 5000 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan nexthop 192.0.2.2';

let gobgp: Gobgpd;
let gw: Gateway;
let log: LogLine[] = [];

// ------------------------------------------------------------------ GoBGP's view

interface GobgpAttr {
  type: number;
  nexthop?: string;
  value?: unknown;
  label?: number;
  'tunnel-type'?: number;
  'tunnel-id'?: string;
}
interface GobgpPath {
  nlri: { type: number; value: { rd: { type: number; admin?: string; assigned?: number }; mac?: string; ip?: string; labels?: number[] } };
  attrs: GobgpAttr[];
  stale?: boolean;
  'neighbor-ip'?: string;
}
interface GobgpRoute {
  key: string;
  path: GobgpPath;
  rts: string[];
  ext: Array<Record<string, unknown>>;
  nextHop?: string;
  pmsi?: GobgpAttr;
}

async function gobgpRib(): Promise<GobgpRoute[]> {
  const j = await gobgp.json<Record<string, GobgpPath[]>>('global', 'rib', '-a', 'evpn');
  return Object.entries(j).flatMap(([key, paths]) =>
    paths.map((path) => {
      const ext = (path.attrs.find((a) => a.type === 16)?.value ?? []) as Array<Record<string, unknown>>;
      return {
        key,
        path,
        ext,
        rts: ext.filter((e) => e.type === 0 && e.subtype === 2).map((e) => String(e.value)),
        nextHop: path.attrs.find((a) => a.type === 14)?.nexthop,
        pmsi: path.attrs.find((a) => a.type === 22),
      };
    }),
  );
}

async function fromUs(): Promise<GobgpRoute[]> {
  return (await gobgpRib()).filter((r) => r.path['neighbor-ip'] === US);
}

// ------------------------------------------------------------------ l2bgw's view

function locRow(prefix: string, peer?: string): RouteRow | undefined {
  return gw.routes({ vni: VNI }).find((r) => r.prefix === prefix && (peer === undefined || r.peer === peer));
}

function snapshot(): ReturnType<Gateway['peers']>[number] | undefined {
  return gw.peers().find((p) => p.address === GOBGP);
}

const established = (): boolean => snapshot()?.state === 'Established';

describe.skipIf(missing !== undefined)('l2bgw ↔ gobgpd, EVPN', () => {
  beforeAll(async () => {
    const listenPort = await freePort(US);
    gobgp = await startGobgp({
      config: gobgpPeerConfig({ address: GOBGP, routerId: '10.0.0.3', neighbor: US, as: AS, remotePort: listenPort, passive: true, holdTime: 9, restartTime: RESTART_TIME }),
    });
    ({ gw, log } = await startTestGateway({
      routerId: '10.0.0.1', as: AS, address: US, listenPort, peer: { address: GOBGP, port: gobgp.port }, vni: VNI, localVtep: '192.0.2.1',
    }));
    await waitFor(established, 'gateway ↔ gobgpd Established', 30_000);
  });

  afterAll(async () => {
    await gw?.stop('test done');
    await gobgp?.dispose();
  });

  describe('GoBGP → l2bgw', () => {
    it('MAC-only, MAC+IP and IMET routes land in the Loc-RIB of the EVI with every field', async () => {
      for (const r of [GOBGP_MAC_ONLY, GOBGP_MAC_IP, GOBGP_IMET]) await gobgp.evpn('add', r);
      await waitFor(() => gw.routes({ vni: VNI }).filter((r) => r.peer === GOBGP).length === 3, 'three routes from GoBGP in VNI 5000');
      const common = { vni: VNI, rd: '192.0.2.2:5000', nextHop: '192.0.2.2', routeTargets: ['65001:5000'], encapsulation: 'VXLAN', label: VNI, peer: GOBGP, stale: false, ineligible: false, best: true };
      expect(locRow('[2]:[0]:[48]:[aa:bb:cc:00:00:01]')).toMatchObject({ ...common, routeType: 2 });
      expect(locRow('[2]:[0]:[48]:[aa:bb:cc:00:00:02]:[32]:[198.51.100.2]')).toMatchObject({ ...common, routeType: 2 });
      const imet = locRow('[3]:[0]:[32]:[192.0.2.2]');
      expect(imet).toMatchObject({ ...common, routeType: 3 });
      expect(imet?.extCommunities).toEqual(expect.arrayContaining(['RT:65001:5000', 'ET:8']));
      // GoBGP sends no MAC mobility community for a first announcement (RFC 7432 §7.7: seq 0).
      expect(locRow('[2]:[0]:[48]:[aa:bb:cc:00:00:01]')?.macMobility).toBeUndefined();
    });

    it('a route whose RT matches no EVI stays in the Adj-RIB-In, out of every Loc-RIB', async () => {
      await gobgp.evpn('add', FOREIGN_RT);
      const prefix = '[2]:[0]:[48]:[aa:bb:cc:00:00:03]';
      await waitFor(() => gw.rib.adjRibIn(GOBGP).some((v) => routeRow(v, 0).prefix === prefix), 'foreign-RT route in the Adj-RIB-In');
      const row = gw.rib.adjRibIn(GOBGP).map((v) => routeRow(v, 0)).find((r) => r.prefix === prefix);
      expect(row).toMatchObject({ rd: '192.0.2.2:7777', routeTargets: ['65001:7777'], label: 7777, nextHop: '192.0.2.2' });
      expect(gw.rib.locRib().map((v) => routeRow(v, 0).prefix)).not.toContain(prefix);
      await gobgp.evpn('del', FOREIGN_RT);
      await waitFor(() => !gw.rib.adjRibIn(GOBGP).some((v) => routeRow(v, 0).prefix === prefix), 'foreign-RT route withdrawn');
    });

    it('gobgp del withdraws the route from the Loc-RIB', async () => {
      await gobgp.evpn('del', GOBGP_MAC_ONLY);
      await waitFor(() => locRow('[2]:[0]:[48]:[aa:bb:cc:00:00:01]') === undefined, 'MAC-only route withdrawn');
      expect(locRow('[2]:[0]:[48]:[aa:bb:cc:00:00:02]:[32]:[198.51.100.2]')).toBeDefined();
      await gobgp.evpn('add', GOBGP_MAC_ONLY);
      await waitFor(() => locRow('[2]:[0]:[48]:[aa:bb:cc:00:00:01]') !== undefined, 'MAC-only route back');
    });

    it('MAC mobility: our move carries sequence 1 to GoBGP; GoBGP moving it back sends sequence 2, which wins', async () => {
      const moving = '[2]:[0]:[48]:[aa:bb:cc:00:00:10]';
      const ourMove = async (): Promise<GobgpRoute | undefined> => (await fromUs()).find((r) => r.path.nlri.value.mac === 'aa:bb:cc:00:00:10');
      await gobgp.evpn('add', MOVING);
      try {
        await waitFor(() => locRow(moving, GOBGP) !== undefined, 'the MAC from GoBGP');
        // The MAC appears behind our VTEP: originated with the remote sequence + 1 (RFC 7432 §15).
        gw.localMacs([{ mac: 'aa:bb:cc:00:00:10', vni: VNI, nextHop: '192.0.2.1' }], []);
        let sent: GobgpRoute | undefined;
        await waitFor(async () => (sent = await ourMove()) !== undefined, 'our route for the moved MAC at GoBGP');
        expect(sent?.ext).toContainEqual(expect.objectContaining({ type: 6, subtype: 0, sequence: 1 }));
        expect(locRow(moving, 'local')).toMatchObject({ best: true, macMobility: { seq: 1, sticky: false } });
        // GoBGP, seeing a higher sequence for its own MAC, withdraws its route (RFC 7432 §15).
        await waitFor(() => locRow(moving, GOBGP) === undefined, 'GoBGP withdraws its route for the moved MAC');
        // GoBGP announces the MAC again: it numbers the move past ours (seq 2), and its route wins.
        await gobgp.evpn('add', MOVING);
        await waitFor(() => locRow(moving, GOBGP)?.macMobility?.seq === 2, 'GoBGP route with sequence 2');
        const theirs = locRow(moving, GOBGP);
        expect(theirs).toMatchObject({ best: true, macMobility: { seq: 2, sticky: false }, nextHop: '192.0.2.2' });
        expect(theirs?.extCommunities).toContain('MM:2');
        // Our route lost the MAC: it is withdrawn, at GoBGP too.
        await waitFor(async () => (await ourMove()) === undefined, 'our route withdrawn at GoBGP');
        expect(locRow(moving, 'local')?.best ?? false).toBe(false);
      } finally {
        gw.localMacs([], [{ mac: 'aa:bb:cc:00:00:10', vni: VNI }]);
        await gobgp.evpn('del', MOVING);
      }
      await waitFor(() => locRow(moving) === undefined, 'the MAC gone');
    });
  });

  describe('l2bgw → GoBGP', () => {
    it('local MACs are originated as type 2 (MAC-only, MAC+IP) and one type 3 with auto RD, RT, VXLAN and PMSI', async () => {
      gw.localMacs([
        { mac: '00:00:5e:00:53:01', vni: VNI, nextHop: '192.0.2.1' },
        { mac: '00:00:5e:00:53:02', vni: VNI, ip: '198.51.100.20', nextHop: '192.0.2.1' },
      ], []);
      let ours: GobgpRoute[] = [];
      await waitFor(async () => (ours = await fromUs()).length === 4, 'our 4 routes in GoBGP');
      for (const r of ours) {
        // Auto RD router-id:N (type 1), auto export RT AS:VNI, VXLAN encapsulation (RFC 8365 §5.1.3).
        expect(r.key).toMatch(/\[rd:10\.0\.0\.1:\d+\]/);
        expect(r.path.nlri.value.rd).toMatchObject({ type: 1, admin: '10.0.0.1' });
        expect(r.rts).toEqual(['65010:5000']);
        expect(r.ext).toContainEqual({ type: 3, subtype: 12, tunnel_type: 8 });
        expect(r.nextHop).toBe('192.0.2.1');
      }
      const t2 = ours.filter((r) => r.path.nlri.type === 2).map((r) => ({ mac: r.path.nlri.value.mac, ip: r.path.nlri.value.ip, labels: r.path.nlri.value.labels }));
      expect(t2).toEqual(expect.arrayContaining([
        { mac: '00:00:5e:00:53:01', ip: '<nil>', labels: [VNI] },
        { mac: '00:00:5e:00:53:02', ip: '<nil>', labels: [VNI] },
        { mac: '00:00:5e:00:53:02', ip: '198.51.100.20', labels: [VNI] },
      ]));
      const t3 = ours.filter((r) => r.path.nlri.type === 3);
      expect(t3).toHaveLength(1);
      expect(t3[0].path.nlri.value.ip).toBe('192.0.2.1');
      // RFC 6514 §5 ingress replication (6), label = VNI (RFC 8365 §5.1.3), tunnel id = our VTEP.
      expect(t3[0].pmsi).toMatchObject({ 'tunnel-type': 6, label: VNI, 'tunnel-id': '192.0.2.1' });
    });

    it('removing a local MAC withdraws its routes at GoBGP', async () => {
      gw.localMacs([], [{ mac: '00:00:5e:00:53:02', vni: VNI }]);
      await waitFor(async () => (await fromUs()).length === 2, 'MAC-only and MAC+IP of 53:02 withdrawn');
      const left = (await fromUs()).map((r) => r.path.nlri.value.mac ?? `imet ${r.path.nlri.value.ip}`);
      expect(left.sort()).toEqual(['00:00:5e:00:53:01', 'imet 192.0.2.1']);
    });
  });

  describe('session behaviour', () => {
    it('End-of-RIB: GoBGP received ours for l2vpn/evpn, and we recognised theirs', async () => {
      const n = await gobgp.neighbor(US);
      const evpnAfi = n.afi_safis?.find((a) => a.config.family.afi === 25 && a.config.family.safi === 70);
      expect(evpnAfi?.mp_graceful_restart.state.end_of_rib_received).toBe(true);
      expect(log.some((l) => l.msg.startsWith(`End-of-RIB from ${GOBGP}`))).toBe(true);
    });

    it('graceful restart: a killed gobgpd leaves its routes stale; after its End-of-RIB the re-sent ones are fresh and the rest gone', async () => {
      const fromGobgp = (): RouteRow[] => gw.routes({ vni: VNI }).filter((r) => r.peer === GOBGP);
      expect(fromGobgp().map((r) => r.prefix).sort()).toEqual([
        '[2]:[0]:[48]:[aa:bb:cc:00:00:01]',
        '[2]:[0]:[48]:[aa:bb:cc:00:00:02]:[32]:[198.51.100.2]',
        '[3]:[0]:[32]:[192.0.2.2]',
      ]);
      await gobgp.stop('SIGKILL');
      await waitFor(() => !established(), 'session down');
      await waitFor(() => fromGobgp().every((r) => r.stale), 'routes marked stale');
      expect(fromGobgp()).toHaveLength(3);
      // gobgpd comes back without the MAC+IP route; the gateway reconnects after its idle hold.
      await gobgp.restart();
      for (const r of [GOBGP_MAC_ONLY, GOBGP_IMET]) await gobgp.evpn('add', r);
      await waitFor(established, 'session back', 30_000);
      await waitFor(() => fromGobgp().length === 2 && fromGobgp().every((r) => !r.stale), 'stale routes replaced or removed after End-of-RIB');
      expect(fromGobgp().map((r) => r.prefix).sort()).toEqual(['[2]:[0]:[48]:[aa:bb:cc:00:00:01]', '[3]:[0]:[32]:[192.0.2.2]']);
      // Our own routes went back to GoBGP in the new session.
      await waitFor(async () => (await fromUs()).length === 2, 'our routes at the restarted gobgpd');
    });

    it('graceful restart: without a restart the stale routes go when the restart time runs out', async () => {
      const fromGobgp = (): RouteRow[] => gw.routes({ vni: VNI }).filter((r) => r.peer === GOBGP);
      await gobgp.stop('SIGKILL');
      const t0 = performance.now();
      await waitFor(() => fromGobgp().length === 2 && fromGobgp().every((r) => r.stale), 'routes stale');
      await waitFor(() => fromGobgp().length === 0, 'stale routes removed', (RESTART_TIME + 5) * 1000, 200);
      const took = (performance.now() - t0) / 1000;
      expect(took).toBeGreaterThan(RESTART_TIME - 1);
    });
  });
});
