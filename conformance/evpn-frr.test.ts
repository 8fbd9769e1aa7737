/**
 * EVPN with a real FRR bgpd (standalone, no zebra) on loopback: what l2bgw's Gateway
 * originates as FRR shows it (`show bgp l2vpn evpn route detail json`), GoBGP's routes
 * reflected to us by FRR, End-of-RIB (RFC 4724 §2) and route refresh (RFC 2918, RFC 7313).
 *
 *   gateway (10.0.0.1, 127.0.0.1) ──iBGP── FRR route reflector (10.0.0.2, 127.0.0.2) ──iBGP── gobgpd (10.0.0.3, 127.0.0.3)
 *
 * All in AS 65010, both gateway and gobgpd route-reflector clients (RFC 4456), so the VTEP
 * next hops in route data (documentation prefixes; FRR treats 127/8 as martian) are kept.
 * FRR is passive toward the gateway and connects to gobgpd; ports are picked at run time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../src/daemon/gateway.js';
import type { RouteRow } from '../src/evpn/rib/view.js';
import { FRR_BGPD, startFrr, startGobgp } from '../test/support/bgp-peers.js';
import type { FrrBgpd, Gobgpd } from '../test/support/bgp-peers.js';
import { freePort, missingTool, waitFor } from '../test/support/process.js';
import { GOBGP_IMET, GOBGP_MAC_IP, GOBGP_MAC_ONLY, gobgpPeerConfig, startTestGateway } from '../test/support/daemon-lab.js';
import type { LogLine } from '../test/support/l2bgwd.js';

const missing = missingTool('FRR interop test', FRR_BGPD, 'vtysh', 'gobgpd', 'gobgp');

const US = '127.0.0.1';
const FRR = '127.0.0.2';
const GOBGP = '127.0.0.3';
const AS = 65010;
const VNI = 5000;

let gw: Gateway;
let frr: FrrBgpd;
let gobgp: Gobgpd;
let log: LogLine[] = [];

function frrConfig(gobgpPort: number): string {
  return `frr defaults datacenter
hostname frr-rr
!
router bgp ${AS}
 bgp router-id 10.0.0.2
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp graceful-restart
 neighbor ${US} remote-as ${AS}
 neighbor ${US} passive
 neighbor ${US} timers 3 9
 neighbor ${GOBGP} remote-as ${AS}
 neighbor ${GOBGP} port ${gobgpPort}
 neighbor ${GOBGP} update-source ${FRR}
 neighbor ${GOBGP} timers 3 9
 neighbor ${GOBGP} timers connect 1
 address-family l2vpn evpn
  neighbor ${US} activate
  neighbor ${US} route-reflector-client
  neighbor ${GOBGP} activate
  neighbor ${GOBGP} route-reflector-client
 exit-address-family
!
`;
}

// ------------------------------------------------------------------ FRR's view

interface FrrPath {
  VNI?: string;
  valid?: boolean;
  bestpath?: { overall?: boolean };
  extendedCommunity?: { string: string };
  pmsi?: { tunnelType: string; label: number };
  nexthops: Array<{ ip: string }>;
  peer: { peerId: string; routerId?: string };
}
interface FrrRoute {
  rd: string;
  prefix: string;
  path: FrrPath;
}

/** Every path of `show bgp l2vpn evpn route detail json`, flat. */
async function frrRoutes(): Promise<FrrRoute[]> {
  const j = await frr.json<Record<string, unknown>>('show bgp l2vpn evpn route detail json');
  const out: FrrRoute[] = [];
  for (const [rd, v] of Object.entries(j)) {
    if (typeof v !== 'object' || v === null) continue;
    for (const [prefix, dest] of Object.entries(v as Record<string, unknown>)) {
      if (!prefix.startsWith('[')) continue;
      const paths = (dest as { paths: FrrPath[][] }).paths.flat();
      for (const path of paths) out.push({ rd, prefix, path });
    }
  }
  return out;
}

async function ours(): Promise<FrrRoute[]> {
  return (await frrRoutes()).filter((r) => r.path.peer.peerId === US);
}

function snapshot(): ReturnType<Gateway['peers']>[number] | undefined {
  return gw.peers().find((p) => p.address === FRR);
}

function reflected(): RouteRow[] {
  return gw.routes({ vni: VNI }).filter((r) => r.peer === FRR);
}

describe.skipIf(missing !== undefined)('l2bgw ↔ FRR bgpd, EVPN', () => {
  beforeAll(async () => {
    const gobgpPort = await freePort(GOBGP);
    frr = await startFrr({ config: frrConfig(gobgpPort), listenAddress: FRR });
    gobgp = await startGobgp({
      config: gobgpPeerConfig({ address: GOBGP, routerId: '10.0.0.3', neighbor: FRR, as: AS, remotePort: frr.port, passive: true }),
      port: gobgpPort,
    });
    ({ gw, log } = await startTestGateway({ routerId: '10.0.0.1', as: AS, address: US, peer: { address: FRR, port: frr.port }, vni: VNI, localVtep: '192.0.2.1' }));
    await waitFor(() => snapshot()?.state === 'Established', 'gateway ↔ FRR Established', 30_000);
    await waitFor(async () => (await gobgp.sessionState(FRR)) === 'established', 'FRR ↔ gobgpd Established', 30_000);
  });

  afterAll(async () => {
    await gw?.stop('test done');
    await gobgp?.dispose();
    await frr?.dispose();
  });

  describe('l2bgw → FRR', () => {
    it('FRR shows our type 2 (MAC-only, MAC+IP) and type 3 with auto RD, RT, ET:8, VNI label and PMSI', async () => {
      gw.localMacs([
        { mac: '00:00:5e:00:53:01', vni: VNI, nextHop: '192.0.2.1' },
        { mac: '00:00:5e:00:53:02', vni: VNI, ip: '198.51.100.20', nextHop: '192.0.2.1' },
      ], []);
      let routes: FrrRoute[] = [];
      await waitFor(async () => (routes = await ours()).length === 4 && routes.every((r) => r.path.bestpath?.overall === true), 'our 4 routes best at FRR');
      expect(routes.map((r) => r.prefix).sort()).toEqual([
        '[2]:[0]:[48]:[00:00:5e:00:53:01]',
        '[2]:[0]:[48]:[00:00:5e:00:53:02]',
        '[2]:[0]:[48]:[00:00:5e:00:53:02]:[32]:[198.51.100.20]',
        '[3]:[0]:[32]:[192.0.2.1]',
      ]);
      for (const r of routes) {
        // Auto RD router-id:N, auto export RT AS:VNI, encapsulation VXLAN (RFC 9012 type 8).
        expect(r.rd).toMatch(/^10\.0\.0\.1:\d+$/);
        expect(r.path.extendedCommunity?.string).toBe('RT:65010:5000 ET:8');
        expect(r.path.nexthops.map((n) => n.ip)).toEqual(['192.0.2.1']);
        expect(r.path.valid).toBe(true);
        expect(r.path.bestpath?.overall).toBe(true);
        if (r.prefix.startsWith('[2]')) expect(r.path.VNI).toBe(String(VNI));
        // RFC 6514 §5 ingress replication, label = VNI (RFC 8365 §5.1.3).
        else expect(r.path.pmsi).toEqual({ tunnelType: 'Ingress Replication', label: VNI });
      }
    });

    it('FRR reflects our routes to gobgpd unchanged', async () => {
      type Paths = Record<string, Array<{ attrs: Array<{ type: number; nexthop?: string }> }>>;
      await waitFor(async () => Object.keys(await gobgp.json<Paths>('global', 'rib', '-a', 'evpn')).filter((k) => k.includes('[rd:10.0.0.1:')).length === 4, 'our routes at gobgpd');
      const j = await gobgp.json<Paths>('global', 'rib', '-a', 'evpn');
      for (const [k, paths] of Object.entries(j)) {
        if (k.includes('[rd:10.0.0.1:')) expect(paths[0].attrs.find((a) => a.type === 14)?.nexthop).toBe('192.0.2.1');
      }
    });

    it('removing a local MAC withdraws its routes at FRR', async () => {
      gw.localMacs([], [{ mac: '00:00:5e:00:53:02', vni: VNI }]);
      await waitFor(async () => (await ours()).length === 2, 'routes of 53:02 withdrawn at FRR');
      expect((await ours()).map((r) => r.prefix).sort()).toEqual(['[2]:[0]:[48]:[00:00:5e:00:53:01]', '[3]:[0]:[32]:[192.0.2.1]']);
    });
  });

  describe('GoBGP → FRR (route reflector) → l2bgw', () => {
    it('reflected type 2 and type 3 routes land in the Loc-RIB with GoBGP\'s next hop, RT, VNI and VXLAN', async () => {
      for (const r of [GOBGP_MAC_ONLY, GOBGP_MAC_IP, GOBGP_IMET]) await gobgp.evpn('add', r);
      await waitFor(() => reflected().length === 3, 'three reflected routes in VNI 5000');
      const common = { vni: VNI, rd: '192.0.2.2:5000', nextHop: '192.0.2.2', routeTargets: ['65001:5000'], encapsulation: 'VXLAN', label: VNI, best: true, stale: false, ineligible: false, localPref: 100 };
      const byPrefix = new Map(reflected().map((r) => [r.prefix, r]));
      expect(byPrefix.get('[2]:[0]:[48]:[aa:bb:cc:00:00:01]')).toMatchObject({ ...common, routeType: 2 });
      expect(byPrefix.get('[2]:[0]:[48]:[aa:bb:cc:00:00:02]:[32]:[198.51.100.2]')).toMatchObject({ ...common, routeType: 2 });
      expect(byPrefix.get('[3]:[0]:[32]:[192.0.2.2]')).toMatchObject({ ...common, routeType: 3 });
    });

    it('withdrawals at gobgpd propagate through FRR', async () => {
      await gobgp.evpn('del', GOBGP_MAC_IP);
      await waitFor(() => reflected().length === 2, 'MAC+IP route withdrawn through FRR');
      expect(reflected().map((r) => r.prefix).sort()).toEqual(['[2]:[0]:[48]:[aa:bb:cc:00:00:01]', '[3]:[0]:[32]:[192.0.2.2]']);
    });
  });

  describe('session behaviour', () => {
    it('End-of-RIB: FRR received ours for l2vpn/evpn, and we recognised FRR\'s', async () => {
      type Neighbor = { gracefulRestartInfo: { endOfRibRecv: Record<string, boolean>; endOfRibSend: Record<string, boolean> } };
      const n = (await frr.json<Record<string, Neighbor>>(`show bgp neighbors ${US} json`))[US];
      expect(n.gracefulRestartInfo.endOfRibRecv.l2VpnEvpn).toBe(true);
      expect(n.gracefulRestartInfo.endOfRibSend.l2VpnEvpn).toBe(true);
      expect(log.some((l) => l.msg.startsWith(`End-of-RIB from ${FRR}`))).toBe(true);
    });

    it('route refresh from FRR (clear soft in) is answered by re-sending the Adj-RIB-Out', async () => {
      const before = snapshot()!;
      type Neighbor = { messageStats: { routeRefreshSent: number; updatesRecv: number } };
      const frrBefore = (await frr.json<Record<string, Neighbor>>(`show bgp neighbors ${US} json`))[US].messageStats;
      await frr.vtysh(`clear bgp l2vpn evpn ${US} soft in`);
      await waitFor(() => snapshot()!.messagesIn.routeRefresh > before.messagesIn.routeRefresh, 'ROUTE-REFRESH received');
      await waitFor(() => snapshot()!.messagesOut.update > before.messagesOut.update, 'UPDATEs re-sent');
      await waitFor(async () => (await frr.json<Record<string, Neighbor>>(`show bgp neighbors ${US} json`))[US].messageStats.updatesRecv > frrBefore.updatesRecv, 'FRR counts the re-sent UPDATEs');
      const frrAfter = (await frr.json<Record<string, Neighbor>>(`show bgp neighbors ${US} json`))[US].messageStats;
      expect(frrAfter.routeRefreshSent).toBeGreaterThan(frrBefore.routeRefreshSent);
      expect(snapshot()?.state).toBe('Established');
      expect((await ours()).map((r) => r.prefix).sort()).toEqual(['[2]:[0]:[48]:[00:00:5e:00:53:01]', '[3]:[0]:[32]:[192.0.2.1]']);
    });
  });
});
