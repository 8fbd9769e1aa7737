/**
 * The l2bgwd binary end to end, with a real gobgpd peer and a real hardware_vtep
 * ovsdb-server on loopback:
 * - a type-2 route injected in GoBGP becomes a Ucast_Macs_Remote row, and its removal
 *   removes the row;
 * - `vtep-ctl add-ucast-local` becomes a type-2 route in `gobgp global rib -a evpn`, and
 *   `del-ucast-local` withdraws it;
 * - a manual remote MAC created over REST overrides the BGP-learned one for the same
 *   MAC, and the BGP one comes back when the manual one is deleted.
 * GoBGP runs with graceful restart so that it sends End-of-RIB: rows are deleted only
 * once every peer's table is complete (DESIGN.md §2).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGobgp } from '../test/support/bgp-peers.js';
import type { GobgpNotification, Gobgpd } from '../test/support/bgp-peers.js';
import { freePort, missingTool, waitFor } from '../test/support/process.js';
import {
  LAB_VNI, daemonYaml, gobgpPeerConfig, remoteMacs, stopInOrder, switchEntry,
} from '../test/support/daemon-lab.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';
import { readRemote, setUpSwitch, ucastLines, vtepCtl } from '../test/vtep/switch-helpers.js';

const missing = missingTool('daemon end-to-end test', 'gobgpd', 'gobgp', 'ovsdb-server', 'vtep-ctl');

const L2 = '127.0.0.1';
const GOBGP = '127.0.0.4';
const REMOTE_MAC = '02:00:00:00:0b:01';
const LOCAL_MAC = '02:00:00:00:0a:01';

describe.skipIf(missing !== undefined)('l2bgwd with gobgpd and a hardware_vtep database', () => {
  let vtep: OvsdbServer;
  let gobgp: Gobgpd;
  let d: L2bgwd;

  /** The REST API; a created object's fields by its kind (`remote-gateway-connection`: id, ...). */
  const rest = (method: string, path: string, body?: unknown) => d.rest<Record<string, Record<string, string>>>(method, path, body);
  const metrics = async (): Promise<string> => (await d.rest<string>('GET', '/metrics')).body;

  beforeAll(async () => {
    vtep = await startOvsdbServer();
    await setUpSwitch(vtep, 'ps0', '192.0.2.1', { ls0: LAB_VNI });
    await vtepCtl(vtep, 'set', 'Logical_Switch', 'ls0', 'replication_mode=source_node');
    const bgpPort = await freePort();
    gobgp = await startGobgp({ config: gobgpPeerConfig({ address: GOBGP, routerId: '10.0.0.4', neighbor: L2, remotePort: bgpPort, restartTime: 30 }) });
    d = l2bgwd(daemonYaml({
      bgp: [`listen: { host: ${L2}, port: ${bgpPort} }`],
      peers: [`{ address: ${GOBGP}, remote_as: 65000, passive: true }`],
      vteps: [switchEntry(vtep.unixRemote)],
      extra: ['api:', '  listen: { host: 127.0.0.1, port: 0 }'],
    }));
    await d.start();
    await d.waitForLine((l) => l.msg === `peer ${GOBGP} (AS 65000) up`, 'the GoBGP session', 30_000);
  }, 90_000);

  afterAll(() => stopInOrder(d, gobgp, vtep), 30_000);

  it('a type-2 route injected in GoBGP becomes a Ucast_Macs_Remote row, and goes with it', async () => {
    const mac = `macadv ${REMOTE_MAC} 10.0.0.2 etag 0 label 5000 rd 192.0.2.2:2 rt 65000:5000 encap vxlan nexthop 192.0.2.2`;
    await gobgp.evpn('add', mac);
    await waitFor(async () => (await remoteMacs(vtep)).includes(`${REMOTE_MAC} -> vxlan_over_ipv4/192.0.2.2`), 'the remote row', 20_000);
    expect(ucastLines(await readRemote(vtep))).toContain(`ls0 ${REMOTE_MAC} 10.0.0.2 192.0.2.2`);
    await gobgp.evpn('del', mac);
    await waitFor(async () => !(await remoteMacs(vtep)).includes(REMOTE_MAC), 'the row to go', 20_000);
    await gobgp.evpn('add', mac);
    await waitFor(async () => (await remoteMacs(vtep)).includes(REMOTE_MAC), 'the row to come back', 20_000);
  }, 60_000);

  it('a MAC the switch learns is advertised to GoBGP, and withdrawn when it goes', async () => {
    await vtepCtl(vtep, 'add-ucast-local', 'ls0', LOCAL_MAC, '192.0.2.1');
    const rib = () => gobgp.gobgp('global', 'rib', '-a', 'evpn');
    await waitFor(async () => (await rib()).includes(LOCAL_MAC), 'our type-2 at GoBGP', 20_000);
    expect(await rib()).toMatch(/type:multicast.*192\.0\.2\.1/);
    await vtepCtl(vtep, 'del-ucast-local', 'ls0', LOCAL_MAC);
    await waitFor(async () => !(await rib()).includes(LOCAL_MAC), 'the withdrawal at GoBGP', 20_000);
  }, 60_000);

  it('a manual remote MAC overrides the BGP one, and the BGP one comes back when it goes', async () => {
    const gw = await rest('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'dc3', ipaddr: '198.51.100.7' } });
    expect(gw.status).toBe(201);
    const conn = await rest('POST', '/v2.0/l2-remote-gateway-connections', { 'remote-gateway-connection': { l2_gateway: 'ps0', network: 'ls0', remote_gateway: 'dc3' } });
    expect(conn.status).toBe(201);
    const connId = conn.body['remote-gateway-connection'].id;
    const mac = await rest('POST', '/v2.0/l2-remote-macs', { 'remote-mac': { mac: REMOTE_MAC, rgw_connection: connId } });
    expect(mac.status).toBe(201);
    await waitFor(async () => (await remoteMacs(vtep)).includes(`${REMOTE_MAC} -> vxlan_over_ipv4/198.51.100.7`), 'the manual override', 20_000);
    const vteps = await rest('GET', '/v2.0/vteps');
    expect(JSON.stringify(vteps.body)).toContain('"source":"manual"');
    expect((await rest('DELETE', `/v2.0/l2-remote-macs/${mac.body['remote-mac'].uuid}`)).status).toBeLessThan(300);
    await waitFor(async () => (await remoteMacs(vtep)).includes(`${REMOTE_MAC} -> vxlan_over_ipv4/192.0.2.2`), 'the BGP route back', 20_000);
    expect((await rest('DELETE', `/v2.0/l2-remote-gateway-connections/${connId}`)).status).toBeLessThan(300);
    await waitFor(async () => !(await remoteMacs(vtep)).includes('198.51.100.7'), 'the connection locator to leave the flood set', 20_000);
  }, 60_000);

  it('/metrics counts sessions, routes in and out, and rows written', async () => {
    await waitFor(async () => /l2bgw_ovsdb_rows_written_total\{db="ps0"\} [1-9]/.test(await metrics()), 'rows in /metrics', 10_000);
    const text = await metrics();
    expect(text).toMatch(/l2bgw_bgp_sessions\{state="Established"\} 1/);
    expect(text).toMatch(new RegExp(`l2bgw_bgp_routes_in_total\\{peer="${GOBGP.replaceAll('.', '\\.')}"\\} [1-9]`));
    expect(text).toMatch(/l2bgw_bgp_routes_out_total\{peer="127\.0\.0\.4"\} [1-9]/);
    expect(text).toMatch(/l2bgw_reconcile_lag_seconds\{switch="ps0"\} 0/);
    expect(text).toMatch(/l2bgw_ovsdb_transaction_seconds_count\{db="ps0",result="ok"\} [1-9]/);
  }, 30_000);

  it('a manual connection with a MAC for the restart check', async () => {
    expect((await rest('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'dc4', ipaddr: '198.51.100.9' } })).status).toBe(201);
    const conn = await rest('POST', '/v2.0/l2-remote-gateway-connections', { 'remote-gateway-connection': { l2_gateway: 'ps0', network: 'ls0', remote_gateway: 'dc4', flood: false } });
    expect(conn.status).toBe(201);
    const mac = await rest('POST', '/v2.0/l2-remote-macs', { 'remote-mac': { mac: '02:00:00:00:0d:01', ip: '10.0.0.9', rgw_connection: conn.body['remote-gateway-connection'].id } });
    expect(mac.status).toBe(201);
    await waitFor(async () => (await remoteMacs(vtep)).includes('02:00:00:00:0d:01 -> vxlan_over_ipv4/198.51.100.9'), 'the manual row', 20_000);
  }, 30_000);

  it('SIGTERM: Cease/Administrative Shutdown to GoBGP, rows left in place, exit 0', async () => {
    const rowsBefore = await remoteMacs(vtep);
    expect(await d.stop()).toBe(0);
    expect(await remoteMacs(vtep)).toBe(rowsBefore);
    await waitFor(async () => ['idle', 'connect', 'active'].includes(await gobgp.sessionState(L2)), 'GoBGP to see the session go', 10_000);
    // GoBGP logs the NOTIFICATION it received: Cease/Administrative Shutdown with our communication.
    const ourCease = (n: GobgpNotification): boolean => n.Code === 6 && n.Subcode === 2 && (n['Communicated-Reason'] ?? '').startsWith('l2bgwd shutting down');
    await waitFor(() => gobgp.notifications().some(ourCease), 'GoBGP to log our Cease 6/2 with its communication', 5_000);
  }, 30_000);

  it('restarted, l2bgwd still has every gateway, connection and MAC, and rewrites no row', async () => {
    const dump = () => spawnSync('ovsdb-client', ['--format=json', 'dump', `unix:${vtep.socketPath}`, 'hardware_vtep', 'Ucast_Macs_Remote', 'Mcast_Macs_Remote'], { encoding: 'utf8' }).stdout;
    const before = dump();
    await d.start();
    await d.waitForLine((l) => l.msg.startsWith('End-of-RIB from'), 'GoBGP\'s table again', 30_000);
    const gws = await rest('GET', '/v2.0/l2-remote-gateways');
    expect(JSON.stringify(gws.body)).toContain('dc4');
    const macs = await rest('GET', '/v2.0/l2-remote-macs');
    expect(JSON.stringify(macs.body)).toContain('02:00:00:00:0d:01');
    await new Promise((r) => setTimeout(r, 1000));
    // same rows, same uuids: the restart did not touch the data plane
    expect(dump()).toBe(before);
  }, 60_000);
});
