/**
 * A switch reached over `ssl:` (RFC 7047 over TLS, mutual authentication, as
 * ovsdb-server's pssl remote with --private-key/--certificate/--ca-cert): the
 * daemon's `vteps[].ssl` files open the switch's one connection. A type-2 route from
 * a peer becomes a row, read back with vtep-ctl over the server's unix socket. The
 * REST side has no connection of its own: it shows the switch connected with the row
 * written, and resolves the switch's names, from that one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VtepView } from '../src/api/state.js';
import type { BgpSpeaker } from '../src/bgp/session/speaker.js';
import {
  LAB_VNI, daemonYaml, evpnEndOfRib, peerEntry, remoteMacs, startTestSpeaker, stopInOrder, switchEntry, type2Update,
} from '../test/support/daemon-lab.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { missingTool, waitFor } from '../test/support/process.js';
import { makeTestPki, startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';
import { readRemote, setUpSwitch } from '../test/vtep/switch-helpers.js';

const missing = missingTool('ssl switch test', 'ovsdb-server', 'vtep-ctl', 'openssl');

const US = '127.0.0.1';
const PEER = '127.0.0.12';
const MAC = 0x02cc00000001;

describe.skipIf(missing !== undefined)('a switch over ssl:', () => {
  let pkiDir: string;
  let vtep: OvsdbServer;
  let peer: BgpSpeaker;
  let d: L2bgwd;

  beforeAll(async () => {
    pkiDir = await mkdtemp(join(tmpdir(), 'l2bgw-pki-'));
    const pki = await makeTestPki(pkiDir);
    vtep = await startOvsdbServer({ ssl: { ...pki.server, caFile: pki.caFile } });
    await setUpSwitch(vtep, 'ps0', '192.0.2.1', { ls0: LAB_VNI });
    peer = await startTestSpeaker('10.0.0.12', PEER, [US], [type2Update('10.0.0.12:5000', [MAC], '198.51.100.12'), evpnEndOfRib()]);
    const ssl = `ssl: { private_key: "${pki.client.keyFile}", certificate: "${pki.client.certFile}", ca_cert: "${pki.caFile}" }`;
    d = l2bgwd(daemonYaml({
      peers: [peerEntry(PEER, peer.listenAddress()?.port, US)],
      vteps: [switchEntry(vtep.sslRemote as string, ssl)],
      extra: ['api:', '  listen: { host: 127.0.0.1, port: 0 }'],
    }));
  }, 60_000);

  afterAll(async () => {
    await stopInOrder(d, peer, vtep);
    if (pkiDir) await rm(pkiDir, { recursive: true, force: true });
  }, 30_000);

  it('connects with the configured key, certificate and CA, and writes the route\'s row', async () => {
    await d.start();
    await waitFor(async () => (await remoteMacs(vtep)).includes('02:cc:00:00:00:01 -> vxlan_over_ipv4/198.51.100.12'), 'the row over ssl', 20_000);
    expect(d.lines.some((l) => l.level === 'warn' && String(l.msg).startsWith('switch ps0'))).toBe(false);
  }, 60_000);

  it('the REST API shows the switch over ssl connected with the row, and names its logical switches from it', async () => {
    const vteps = await d.rest<{ vteps: VtepView[] }>('GET', '/v2.0/vteps');
    expect(vteps.status).toBe(200);
    expect(vteps.body.vteps).toEqual([{
      switch: 'ps0', ovsdb: vtep.sslRemote, connected: true,
      remote_macs: [{ mac: '02:cc:00:00:00:01', logical_switch: 'ls0', dst_ip: '198.51.100.12', source: 'bgp' }],
    }]);
    // A connection names ps0 and ls0: the REST side finds them, uuid and VNI, in what the ssl connection read.
    expect((await d.rest('POST', '/v2.0/l2-remote-gateways', { 'remote-gateway': { name: 'dc12', ipaddr: '198.51.100.112' } })).status).toBe(201);
    const conn = await d.rest<Record<string, unknown>>('POST', '/v2.0/l2-remote-gateway-connections', {
      'remote-gateway-connection': { l2_gateway: 'ps0', network: 'ls0', remote_gateway: 'dc12' },
    });
    expect(conn.status).toBe(201);
    expect(conn.body['remote-gateway-connection']).toMatchObject({ l2_gateway: 'ps0', network: 'ls0', network_id: (await readRemote(vtep)).ls.get('ls0'), segmentation_id: LAB_VNI });
  }, 30_000);
});
