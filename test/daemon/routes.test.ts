/**
 * GET /v2.0/evpn/routes as the daemon answers it (the gateway's REST read side),
 * with a real gobgpd announcing routes and a real hardware_vtep ovsdb-server
 * holding one logical switch, ls0 (VNI 5000):
 * - a route is installed only once the switch holds its row: the
 *   Ucast_Macs_Remote row (type 2) or the unknown-dst locator (type 3);
 * - routes of an EVI with no logical switch (VNI 6000) are best and eligible
 *   but not installed, with the reason; so is a route whose MAC a manual
 *   entry overrides on the switch;
 * - MAC, IP, Ethernet tag and originator come from the route, typed.
 *
 *   gateway (AS 65020, 127.0.0.1) ──iBGP── gobgpd (AS 65020, 127.0.0.32, passive)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Gateway } from '../../src/daemon/gateway.js';
import { gatewayState } from '../../src/daemon/api.js';
import type { Config } from '../../src/config/types.js';
import type { RouteFilter, RouteView } from '../../src/api/state.js';
import { startGobgp } from '../support/bgp-peers.js';
import type { Gobgpd } from '../support/bgp-peers.js';
import { freePort, missingTool, waitFor } from '../support/process.js';
import { gobgpPeerConfig } from '../support/daemon-lab.js';
import { startOvsdbServer } from '../support/ovsdb-server.js';
import type { OvsdbServer } from '../support/ovsdb-server.js';
import { floodLines, readRemote, setUpSwitch, ucastLines, vtepCtl } from '../vtep/switch-helpers.js';

const missing = missingTool('route table test', 'gobgpd', 'gobgp', 'ovsdb-server', 'vtep-ctl');

const GW = '127.0.0.1';
const GOBGP = '127.0.0.32';
const AS = 65020;
const LOCAL_MAC = '02:00:00:00:0a:01';

const MAC_5000 = 'macadv 02:00:00:00:0b:01 10.0.0.2 etag 0 label 5000 rd 192.0.2.2:5000 rt 65020:5000 encap vxlan nexthop 192.0.2.2';
const IMET_5000 = 'multicast 192.0.2.2 etag 0 rd 192.0.2.2:5000 rt 65020:5000 encap vxlan pmsi ingress-repl 5000 192.0.2.2 nexthop 192.0.2.2';
const MAC_6000 = 'macadv 02:00:00:00:0b:02 0.0.0.0 etag 0 label 6000 rd 192.0.2.2:6000 rt 65020:6000 encap vxlan nexthop 192.0.2.2';
const IMET_6000 = 'multicast 192.0.2.3 etag 0 rd 192.0.2.3:6000 rt 65020:6000 encap vxlan pmsi ingress-repl 6000 192.0.2.3 nexthop 192.0.2.3';

function gatewayConfig(gobgpPort: number, vtep: OvsdbServer): Config {
  return {
    router_id: '192.0.2.1',
    local_as: AS,
    bgp: {
      hold_time: 9,
      connect_retry: 1,
      peers: [{ address: GOBGP, remote_as: AS, port: gobgpPort, local_address: GW, passive: false, hold_time: 9, graceful_restart: true }],
    },
    vteps: [{ switch: 'ps0', ovsdb: vtep.unixRemote }],
    // VNI 5000 comes from ls0 (auto_vni); 6000 is configured and has no logical switch.
    evpn: { auto_vni: true, vnis: [{ vni: 6000 }] },
    data_dir: '/nonexistent',
    log_level: 'silent',
  };
}

describe.skipIf(missing !== undefined)('GET /v2.0/evpn/routes: installed means a switch holds the row', () => {
  let gobgp: Gobgpd;
  let vtep: OvsdbServer;
  let gw: Gateway;
  const routes = (filter: RouteFilter = {}): RouteView[] => gatewayState(gw).routes(filter);
  const find = (pred: (r: RouteView) => boolean): RouteView | undefined => routes().find(pred);

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    await setUpSwitch(vtep, 'ps0', '192.0.2.1', { ls0: 5000 });
    gobgp = await startGobgp({ config: gobgpPeerConfig({ address: GOBGP, routerId: '10.0.0.32', neighbor: GW, as: AS }), port: await freePort(GOBGP) });
    gw = new Gateway({ config: gatewayConfig(gobgp.port, vtep), logger: pino({ level: 'silent' }) });
    await gw.start();
    await waitFor(() => gw.peers()[0]?.state === 'Established', 'gateway ↔ gobgpd Established', 30_000);
    for (const r of [MAC_5000, IMET_5000, MAC_6000, IMET_6000]) await gobgp.evpn('add', r);
    await vtepCtl(vtep, 'add-ucast-local', 'ls0', LOCAL_MAC, '192.0.2.1');
  }, 60_000);

  afterAll(async () => {
    await gw?.stop('test done');
    await gobgp?.dispose();
    await vtep?.dispose();
  });

  it('type 2 and type 3 routes of VNI 5000 are installed once ls0 holds their rows', async () => {
    await waitFor(() => routes({ vni: 5000 }).filter((r) => r.installed).length === 2, 'two installed routes in VNI 5000', 20_000);
    const rows = await readRemote(vtep);
    expect(ucastLines(rows)).toEqual(['ls0 02:00:00:00:0b:01 10.0.0.2 192.0.2.2']);
    expect(floodLines(rows)).toEqual(['ls0 unknown-dst: 192.0.2.2']);

    const common = { vni: 5000, eth_tag: 0, next_hop: '192.0.2.2', peer: GOBGP, best: true, installed: true, route_targets: ['65020:5000'] };
    expect(find((r) => r.mac === '02:00:00:00:0b:01')).toEqual({ ...common, type: 2, rd: '192.0.2.2:5000', mac: '02:00:00:00:0b:01', ip: '10.0.0.2' });
    // Type 3: no MAC, the originating router's IP.
    expect(find((r) => r.type === 3 && r.vni === 5000 && r.peer === GOBGP)).toEqual({ ...common, type: 3, rd: '192.0.2.2:5000', ip: '192.0.2.2' });
  });

  it('routes of a VNI no logical switch has are best but not installed', async () => {
    await waitFor(() => routes({ vni: 6000 }).length === 2, 'two routes in VNI 6000', 20_000);
    const common = { vni: 6000, eth_tag: 0, peer: GOBGP, best: true, installed: false, not_installed_reason: 'no-logical-switch', route_targets: ['65020:6000'] };
    expect(routes({ vni: 6000, type: 2 })).toEqual([{ ...common, type: 2, rd: '192.0.2.2:6000', mac: '02:00:00:00:0b:02', next_hop: '192.0.2.2' }]);
    expect(routes({ vni: 6000, type: 3 })).toEqual([{ ...common, type: 3, rd: '192.0.2.3:6000', ip: '192.0.2.3', next_hop: '192.0.2.3' }]);
    // Nothing of VNI 6000 reached the switch.
    const rows = await readRemote(vtep);
    expect(ucastLines(rows).some((l) => l.includes('0b:02'))).toBe(false);
    expect(floodLines(rows).join()).not.toContain('192.0.2.3');
  });

  it('our own routes are never installed: the MAC is the switch\'s local one', async () => {
    await waitFor(() => find((r) => r.mac === LOCAL_MAC) !== undefined, 'the local MAC route', 20_000);
    expect(find((r) => r.mac === LOCAL_MAC)).toMatchObject({ type: 2, vni: 5000, peer: 'local', best: true, installed: false, not_installed_reason: 'local', next_hop: '192.0.2.1' });
  });

  it('a manual MAC over the same MAC: the switch holds the manual row, so the BGP route is not installed', async () => {
    const mac = '02:00:00:00:0b:01';
    const ls0 = (await vtepCtl(vtep, 'get', 'Logical_Switch', 'ls0', '_uuid')).trim();
    gw.setManual([{ id: 'c1', l2GatewaySwitch: 'ps0', logicalSwitchUuid: ls0, dstIp: '192.0.2.99', tunnelKey: 5000, flood: false, macs: [{ mac }] }]);
    await waitFor(() => find((r) => r.mac === mac)?.installed === false, 'the BGP route no longer installed', 20_000);
    expect(ucastLines(await readRemote(vtep))).toEqual([`ls0 ${mac} - 192.0.2.99`]);
    expect(find((r) => r.mac === mac)).toMatchObject({ best: true, installed: false, not_installed_reason: 'not-on-switch' });
    gw.setManual([]);
    await waitFor(() => find((r) => r.mac === mac)?.installed === true, 'the BGP row back', 20_000);
    expect(ucastLines(await readRemote(vtep))).toEqual([`ls0 ${mac} 10.0.0.2 192.0.2.2`]);
  });
});
