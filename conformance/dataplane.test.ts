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
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/support/ovsdb-server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** `vtep-ctl --format=json list TABLE` → one object per row, keyed by column. */
function tableRows(json: string): Record<string, unknown>[] {
  const t = JSON.parse(json) as { headings: string[]; data: unknown[][] };
  return t.data.map((row) => Object.fromEntries(t.headings.map((h, i) => [h, row[i]])));
}
/** An OVSDB JSON reference or set of references → uuids. */
const refs = (v: unknown): string[] => {
  const [kind, value] = v as [string, unknown];
  return kind === 'uuid' ? [value as string] : (value as [string, string][]).map((r) => r[1]);
};

describe.skipIf(why !== undefined)('three sites, one L2 network, over a real VXLAN data plane', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2bgw-dp-'));
  const env = {
    ...process.env,
    LAB_BASE: join(dir, 'lab'),
    P: PREFIX,
    SITES: '3',
    TCP_PORT_BASE: '0',
    ...Object.fromEntries(VNI.map((v, i) => [`VNI_${i + 1}`, String(v)])),
  };
  const daemons: ChildProcess[] = [];
  let ovsdbPort: (n: number) => number = () => 0;

  const lab = (...args: string[]) => spawnSync('bash', [LAB, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  const inHost = (host: number, ...args: string[]) =>
    spawnSync('ip', ['netns', 'exec', `${PREFIX}h${host}`, '/usr/bin/python3', NETTOOL, ...args], { encoding: 'utf8', timeout: 30_000 });
  const remoteMacs = (site: number) =>
    spawnSync('vtep-ctl', [`--db=tcp:127.0.0.1:${ovsdbPort(site)}`, 'list-remote-macs', 'ls0'], { encoding: 'utf8' }).stdout;
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
  /**
   * The locators a site's remote rows point at, as "dst_ip" or "dst_ip/tunnel_key":
   * per remote MAC, and the unknown-dst flood set.
   */
  const remoteLocators = (site: number) => {
    const out = spawnSync(
      'vtep-ctl',
      [`--db=tcp:127.0.0.1:${ovsdbPort(site)}`, '--format=json', 'list', 'Physical_Locator', '--', 'list', 'Physical_Locator_Set', '--', 'list', 'Ucast_Macs_Remote', '--', 'list', 'Mcast_Macs_Remote'],
      { encoding: 'utf8' },
    ).stdout;
    const [locators, sets, ucast, mcast] = out.trim().split('\n').map(tableRows);
    const name = new Map(locators.map((l) => [refs(l._uuid)[0], typeof l.tunnel_key === 'number' ? `${String(l.dst_ip)}/${l.tunnel_key}` : String(l.dst_ip)]));
    const members = new Map(sets.map((s) => [refs(s._uuid)[0], refs(s.locators).map((u) => name.get(u))]));
    const macs = new Map(ucast.map((u) => [String(u.MAC), name.get(refs(u.locator)[0])]));
    const flood = mcast.filter((m) => m.MAC === 'unknown-dst').flatMap((m) => members.get(refs(m.locator_set)[0]) ?? []);
    return { macs, flood: flood.sort() };
  };

  beforeAll(async () => {
    // a base port with three free ports above it for the sites' ovsdb-servers
    const base = (await freePort()) - 1;
    env.TCP_PORT_BASE = String(base);
    ovsdbPort = (n) => base + n;
    const up = lab('up');
    if (up.status !== 0) throw new Error(`lab up failed: ${up.stdout}\n${up.stderr}`);

    const bgpPorts = [await freePort(), await freePort(), await freePort()];
    for (let n = 1; n <= 3; n++) {
      const peers = [1, 2, 3]
        .filter((m) => m !== n)
        .map((m) => `    - { address: 127.0.0.${10 + m}, remote_as: 65000, port: ${bgpPorts[m - 1]}, local_address: 127.0.0.${10 + n} }`)
        .join('\n');
      const cfg = join(dir, `site${n}.yaml`);
      writeFileSync(
        cfg,
        [
          `router_id: 10.200.0.${n}`,
          'local_as: 65000',
          'bgp:',
          `  listen: { host: 127.0.0.${10 + n}, port: ${bgpPorts[n - 1]} }`,
          '  hold_time: 30',
          '  connect_retry: 1',
          '  peers:',
          peers,
          'vteps:',
          `  - { switch: ps${n}, ovsdb: "tcp:127.0.0.1:${ovsdbPort(n)}" }`,
          'evpn:',
          '  auto_vni: true',
          '  vnis:',
          `    - { vni: ${VNI[n - 1]}, import_rts: ["${NETWORK_RT}"], export_rts: ["${NETWORK_RT}"] }`,
          `data_dir: ${join(dir, `l2bgw${n}`)}`,
          'log_level: info',
          '',
        ].join('\n'),
      );
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'l2bgwd.js'), '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      child.on('exit', (code) => {
        if (code !== 0 && code !== null) console.error(`l2bgwd site ${n} exited ${code}:\n${log.slice(-3000)}`);
      });
      daemons.push(child);
    }
  }, 180_000);

  afterAll(async () => {
    for (const d of daemons) d.kill('SIGTERM');
    await Promise.all(daemons.map((d) => (d.exitCode !== null ? undefined : new Promise((r) => d.once('exit', r)))));
    lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('host A reaches host B; the MACs travel as type-2 routes; flooding uses type-3 routes', async () => {
    // The first ARP is flooded: it crosses only once l2bgwd has written the flood sets.
    await until('site 1 flood set with sites 2 and 3', () => /unknown-dst -> vxlan_over_ipv4\/10\.200\.0\.2/.test(remoteMacs(1)) && /10\.200\.0\.3/.test(remoteMacs(1)), 60_000);
    await until('A → B ping', () => ping(1, '10.0.0.2'), 60_000);
    // The emulators learned both hosts; l2bgwd carried them to the other sites.
    await until(`${MAC_B} at site 1 via 10.200.0.2`, () => remoteMacs(1).includes(`${MAC_B} -> vxlan_over_ipv4/10.200.0.2`));
    await until(`${MAC_A} at site 2 via 10.200.0.1`, () => remoteMacs(2).includes(`${MAC_A} -> vxlan_over_ipv4/10.200.0.1`));
    expect(ping(2, '10.0.0.1')).toBe(true);
  }, 150_000);

  it('a TCP transfer from A to B succeeds', async () => {
    expect(await tcpTransfer(1, 2, '10.0.0.2', '5001')).toContain('server got 200000');
  }, 60_000);

  it('host A reaches host C at a site that uses another VNI: locators carry its tunnel_key', async () => {
    await until('A → C ping', () => ping(1, '10.0.0.3'), 60_000);
    // Site 1 (VNI 5000) reaches site 3 with 5001 for MACs and flooding; site 2 with its own VNI.
    await until(`${MAC_C} at site 1 via 10.200.0.3/5001`, () => remoteLocators(1).macs.get(MAC_C) === '10.200.0.3/5001');
    // Each site's type-3 route arrives on its own session: wait for the whole flood set.
    await until('site 1 floods to sites 2 and 3', () => JSON.stringify(remoteLocators(1).flood) === JSON.stringify(['10.200.0.2', '10.200.0.3/5001']));
    expect(remoteLocators(1).macs.get(MAC_B)).toBe('10.200.0.2');
    // Site 3 (VNI 5001) reaches the others with 5000.
    await until(`${MAC_A} at site 3 via 10.200.0.1/5000`, () => remoteLocators(3).macs.get(MAC_A) === '10.200.0.1/5000');
    await until('site 3 floods to sites 1 and 2', () => JSON.stringify(remoteLocators(3).flood) === JSON.stringify(['10.200.0.1/5000', '10.200.0.2/5000']));
    expect(ping(3, '10.0.0.1')).toBe(true);
    expect(await tcpTransfer(1, 3, '10.0.0.3', '5002')).toContain('server got 200000');
  }, 150_000);

  it('when host B moves to site 3, traffic follows it (MAC mobility)', async () => {
    const mv = lab('move-host');
    expect(mv.status, mv.stderr).toBe(0);
    await until(`${MAC_B} at site 1 via 10.200.0.3`, () => {
      ping(1, '10.0.0.2');
      return remoteMacs(1).includes(`${MAC_B} -> vxlan_over_ipv4/10.200.0.3`);
    }, 60_000);
    await until('A → B ping after the move', () => ping(1, '10.0.0.2'), 30_000);
    // B now sits behind site 3, so site 1 reaches it with site 3's VNI.
    expect(remoteLocators(1).macs.get(MAC_B)).toBe('10.200.0.3/5001');
  }, 120_000);
});
