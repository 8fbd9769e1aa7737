/**
 * The whole product on a real data plane: three emulated hardware VTEP sites (the OVS
 * VTEP emulator on the userspace datapath, in network namespaces this test creates, see
 * conformance/lab/sites.sh), one l2bgwd per site, iBGP full mesh on loopback. Every
 * *_Remote row is written by l2bgwd; the test writes none.
 *
 * Sites 1 and 2 carry the network on VNI 5000, site 3 on VNI 5001; the EVIs share one
 * route target. Routes from site 3 carry label 5001, so the other sites reach it through
 * locators with tunnel_key 5001, and site 3 reaches them through tunnel_key 5000. The lab
 * runs the emulator through conformance/lab/vtep-emulator.py, which makes it honour
 * Physical_Locator.tunnel_key as hardware VTEPs do.
 *
 * - host A pings host B: the emulators learn both MACs (Ucast_Macs_Local), l2bgwd
 *   advertises them as type-2 routes, and the other sites install Ucast_Macs_Remote;
 *   the first ARP crosses through the flood sets built from type-3 routes;
 * - a TCP transfer A → B succeeds;
 * - host A reaches host C at site 3 (the other VNI), by ping and TCP;
 * - host B moves to site 3 (same MAC and IP): site 3 advertises it with a higher MAC
 *   mobility sequence number and traffic from A follows it.
 *
 * Needs root and `ip netns` (present in CI); skipped with a message elsewhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteMacs } from '../test/support/daemon-lab.js';
import { l2bgwd } from '../test/support/l2bgwd.js';
import type { L2bgwd } from '../test/support/l2bgwd.js';
import { freePort, waitFor } from '../test/support/process.js';
import { floodLines, readRemote, ucastLines } from '../test/vtep/switch-helpers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const LAB = join(HERE, 'lab', 'sites.sh');
const NETTOOL = join(HERE, 'lab', 'nettool.py');
const PREFIX = 'l2bgwdp-';
const MAC_A = '02:00:00:00:01:01';
const MAC_B = '02:00:00:00:02:01';
const MAC_C = '02:00:00:00:03:01';
/** ls0's tunnel_key per site: site 3 carries the same network on another VNI. */
const VNI = [5000, 5000, 5001];
/** One route target for the network, whatever each site's VNI (RFC 7432 §7.9). */
const NETWORK_RT = '65000:100';

function canRunLab(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const bin of ['ovs-vswitchd', 'ovsdb-server', 'vtep-ctl', 'ip']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} is not installed`;
  }
  const probe = `${PREFIX}probe`;
  const r = spawnSync('ip', ['netns', 'add', probe]);
  if (r.status !== 0) return `network namespaces unavailable: ${r.stderr.toString().trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

const why = canRunLab();
if (why) console.warn(`data-plane test skipped: ${why}`);

/** How often the lab is polled: it runs three emulators and three daemons on two cores. */
const POLL_MS = 250;

describe.skipIf(why !== undefined)('three sites, one L2 network, over a real VXLAN data plane', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2bgw-dp-'));
  const env = {
    ...process.env,
    LAB_BASE: join(dir, 'lab'),
    P: PREFIX,
    SITES: '3',
    ...Object.fromEntries(VNI.map((v, i) => [`VNI_${i + 1}`, String(v)])),
  };
  const daemons: L2bgwd[] = [];
  /**
   * Site `n`'s hardware_vtep database, as the lab serves it: its unix socket (ports
   * probed free and bound later by the lab could be taken meanwhile by parallel suites).
   */
  const siteDb = (n: number): string => `unix:${join(env.LAB_BASE, `site${n}`, 'run', 'db.sock')}`;

  const lab = (...args: string[]) => spawnSync('bash', [LAB, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  const inHost = (host: number, ...args: string[]) =>
    spawnSync('ip', ['netns', 'exec', `${PREFIX}h${host}`, '/usr/bin/python3', NETTOOL, ...args], { encoding: 'utf8', timeout: 30_000 });
  const ping = (host: number, dst: string) => inHost(host, 'ping', dst, '1', '0.5').status === 0;
  /** 200,000 bytes over TCP from host `from` to host `to` (at `dst`); what the server reports. */
  const tcpTransfer = async (from: number, to: number, dst: string, port: string): Promise<string> => {
    const server = spawn('ip', ['netns', 'exec', `${PREFIX}h${to}`, '/usr/bin/python3', NETTOOL, 'tcp-server', port], { stdio: 'ignore' });
    try {
      await sleep(500);
      return inHost(from, 'tcp-client', dst, port, '200000').stdout;
    } finally {
      server.kill();
    }
  };
  /** The locator of `mac`'s remote row at a site, as "dst_ip" or "dst_ip/tunnel_key". */
  const locatorOf = async (site: number, mac: string): Promise<string | undefined> =>
    ucastLines(await readRemote(siteDb(site))).find((l) => l.startsWith(`ls0 ${mac} `))?.split(' ').at(-1);
  /** A site's flood sets, as `ls0 unknown-dst: dst_ip[/tunnel_key],...` lines. */
  const floodSets = async (site: number): Promise<string> => floodLines(await readRemote(siteDb(site))).join('\n');

  beforeAll(async () => {
    const up = lab('up');
    if (up.status !== 0) throw new Error(`lab up failed: ${up.stdout}\n${up.stderr}`);

    const bgpPorts = [await freePort(), await freePort(), await freePort()];
    for (let n = 1; n <= 3; n++) {
      const peers = [1, 2, 3]
        .filter((m) => m !== n)
        .map((m) => `    - { address: 127.0.0.${10 + m}, remote_as: 65000, port: ${bgpPorts[m - 1]}, local_address: 127.0.0.${10 + n} }`)
        .join('\n');
      const d = l2bgwd([
        `router_id: 10.200.0.${n}`,
        'local_as: 65000',
        'bgp:',
        `  listen: { host: 127.0.0.${10 + n}, port: ${bgpPorts[n - 1]} }`,
        '  hold_time: 30',
        '  connect_retry: 1',
        '  peers:',
        peers,
        'vteps:',
        `  - { switch: ps${n}, ovsdb: "${siteDb(n)}" }`,
        'evpn:',
        '  auto_vni: true',
        '  vnis:',
        `    - { vni: ${VNI[n - 1]}, import_rts: ["${NETWORK_RT}"], export_rts: ["${NETWORK_RT}"] }`,
        'log_level: info',
      ].join('\n'));
      daemons.push(d);
      await d.start();
    }
  }, 180_000);

  afterAll(async () => {
    for (const [i, d] of daemons.entries()) {
      if (d.pid === undefined) console.error(`l2bgwd site ${i + 1} exited:\n${d.output().slice(-3000)}`);
      await d.dispose();
    }
    lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('host A reaches host B; the MACs travel as type-2 routes; flooding uses type-3 routes', async () => {
    // The first ARP is flooded: it crosses only once l2bgwd has written the flood sets.
    await waitFor(async () => {
      const macs = await remoteMacs(siteDb(1));
      return /unknown-dst -> vxlan_over_ipv4\/10\.200\.0\.2/.test(macs) && /10\.200\.0\.3/.test(macs);
    }, 'site 1 flood set with sites 2 and 3', 60_000, POLL_MS);
    await waitFor(() => ping(1, '10.0.0.2'), 'A → B ping', 60_000, POLL_MS);
    // The emulators learned both hosts; l2bgwd carried them to the other sites.
    await waitFor(async () => (await remoteMacs(siteDb(1))).includes(`${MAC_B} -> vxlan_over_ipv4/10.200.0.2`), `${MAC_B} at site 1 via 10.200.0.2`, 30_000, POLL_MS);
    await waitFor(async () => (await remoteMacs(siteDb(2))).includes(`${MAC_A} -> vxlan_over_ipv4/10.200.0.1`), `${MAC_A} at site 2 via 10.200.0.1`, 30_000, POLL_MS);
    expect(ping(2, '10.0.0.1')).toBe(true);
  }, 150_000);

  it('a TCP transfer from A to B succeeds', async () => {
    expect(await tcpTransfer(1, 2, '10.0.0.2', '5001')).toContain('server got 200000');
  }, 60_000);

  it('host A reaches host C at a site that uses another VNI: locators carry its tunnel_key', async () => {
    await waitFor(() => ping(1, '10.0.0.3'), 'A → C ping', 60_000, POLL_MS);
    // Site 1 (VNI 5000) reaches site 3 with 5001 for MACs and flooding; site 2 with its own VNI.
    await waitFor(async () => (await locatorOf(1, MAC_C)) === '10.200.0.3/5001', `${MAC_C} at site 1 via 10.200.0.3/5001`, 30_000, POLL_MS);
    // Each site's type-3 route arrives on its own session: wait for the whole flood set.
    await waitFor(async () => (await floodSets(1)) === 'ls0 unknown-dst: 10.200.0.2,10.200.0.3/5001', 'site 1 floods to sites 2 and 3', 30_000, POLL_MS);
    expect(await locatorOf(1, MAC_B)).toBe('10.200.0.2');
    // Site 3 (VNI 5001) reaches the others with 5000.
    await waitFor(async () => (await locatorOf(3, MAC_A)) === '10.200.0.1/5000', `${MAC_A} at site 3 via 10.200.0.1/5000`, 30_000, POLL_MS);
    await waitFor(async () => (await floodSets(3)) === 'ls0 unknown-dst: 10.200.0.1/5000,10.200.0.2/5000', 'site 3 floods to sites 1 and 2', 30_000, POLL_MS);
    expect(ping(3, '10.0.0.1')).toBe(true);
    expect(await tcpTransfer(1, 3, '10.0.0.3', '5002')).toContain('server got 200000');
  }, 150_000);

  it('when host B moves to site 3, traffic follows it (MAC mobility)', async () => {
    const mv = lab('move-host');
    expect(mv.status, mv.stderr).toBe(0);
    await waitFor(async () => {
      ping(1, '10.0.0.2');
      return (await remoteMacs(siteDb(1))).includes(`${MAC_B} -> vxlan_over_ipv4/10.200.0.3`);
    }, `${MAC_B} at site 1 via 10.200.0.3`, 60_000, POLL_MS);
    await waitFor(() => ping(1, '10.0.0.2'), 'A → B ping after the move', 30_000, POLL_MS);
    // B now sits behind site 3, so site 1 reaches it with site 3's VNI.
    expect(await locatorOf(1, MAC_B)).toBe('10.200.0.3/5001');
  }, 120_000);
});
