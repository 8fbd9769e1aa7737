/**
 * A switch reached over `ssl:` (RFC 7047 over TLS, mutual authentication, as
 * ovsdb-server's pssl remote with --private-key/--certificate/--ca-cert): the
 * daemon's `vteps[].ssl` files are used by the switch driver and by the REST
 * side's switch directory. A type-2 route from a peer becomes a row, read back
 * with vtep-ctl over the server's unix socket.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BgpSpeaker } from '../src/bgp/session/speaker.js';
import { endOfRib } from '../src/bgp/wire/message.js';
import { TunnelType, buildEvpnCommunities } from '../src/evpn/ext-communities.js';
import { EVPN_AFI, EVPN_SAFI, encodeEvpnNlri } from '../src/evpn/nlri.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { waitFor } from '../test/support/process.js';
import { makeTestPki, startOvsdbServer } from '../test/support/ovsdb-server.js';
import type { OvsdbServer } from '../test/support/ovsdb-server.js';

const missing = ['ovsdb-server', 'vtep-ctl', 'openssl'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
if (missing) console.warn(`ssl switch test skipped: ${missing} is not installed`);

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
    expect(spawnSync('vtep-ctl', [`--db=unix:${vtep.socketPath}`, 'add-ps', 'ps0', '--', 'set', 'Physical_Switch', 'ps0', 'tunnel_ips=192.0.2.1',
      '--', 'add-ls', 'ls0', '--', 'set', 'Logical_Switch', 'ls0', 'tunnel_key=5000'], { encoding: 'utf8' }).status).toBe(0);
    peer = new BgpSpeaker({
      config: { routerId: '10.0.0.12', localAs: 65000, listen: { host: PEER, port: 0 }, peers: [{ address: US, remoteAs: 65000, passive: true }] },
    });
    const ext = buildEvpnCommunities({ routeTargets: ['65000:5000'], encapsulation: TunnelType.VXLAN });
    const nlri = encodeEvpnNlri([{ type: 2, rd: '10.0.0.12:5000', esi: '00000000000000000000', ethTag: 0, mac: MAC, label1: 5000 }]);
    peer.on('established', (p) => void peer.sendUpdates(p, [{
      type: 'update', withdrawn: [], nlri: [],
      attributes: { origin: 0, asPath: [], localPref: 100, extCommunities: ext, mpReach: { afi: EVPN_AFI, safi: EVPN_SAFI, nextHop: Buffer.from([198, 51, 100, 12]), nlri } },
    }, endOfRib({ afi: EVPN_AFI, safi: EVPN_SAFI })]));
    await peer.start();
    d = l2bgwd([
      'router_id: 192.0.2.1',
      'local_as: 65000',
      'bgp:',
      '  connect_retry: 1',
      '  peers:',
      `    - { address: ${PEER}, remote_as: 65000, port: ${peer.listenAddress()?.port}, local_address: ${US} }`,
      'vteps:',
      `  - switch: ps0`,
      `    ovsdb: "${vtep.sslRemote as string}"`,
      `    ssl: { private_key: "${pki.client.keyFile}", certificate: "${pki.client.certFile}", ca_cert: "${pki.caFile}" }`,
      'api:',
      '  listen: { host: 127.0.0.1, port: 0 }',
      'log_level: info',
    ].join('\n'));
  }, 60_000);

  afterAll(async () => {
    await d?.dispose();
    await peer?.close();
    await vtep?.dispose();
    if (pkiDir) await rm(pkiDir, { recursive: true, force: true });
  }, 30_000);

  it('connects with the configured key, certificate and CA, and writes the route\'s row', async () => {
    await d.start();
    const remoteMacs = (): string => spawnSync('vtep-ctl', [`--db=unix:${vtep.socketPath}`, 'list-remote-macs', 'ls0'], { encoding: 'utf8' }).stdout;
    await waitFor(() => remoteMacs().includes('02:cc:00:00:00:01 -> vxlan_over_ipv4/198.51.100.12'), 'the row over ssl', 20_000);
    expect(d.lines.some((l) => l.level === 'warn' && String(l.msg).startsWith('switch ps0'))).toBe(false);
  }, 60_000);
});
