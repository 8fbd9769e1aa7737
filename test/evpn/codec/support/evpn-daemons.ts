/**
 * Real GoBGP and FRR daemons on loopback that originate EVPN routes toward a
 * MiniPeer, for capturing vectors from other implementations:
 *
 *   gobgpd (AS 65001, 127.0.0.2) ──eBGP──────────────────► MiniPeer (AS 65003, 127.0.0.3)
 *        └──iBGP──► FRR bgpd (AS 65001, 127.0.0.1) ──eBGP──►┘
 *
 * GoBGP originates every route (injected with its CLI); FRR re-encodes what it
 * learns. GoBGP↔FRR is iBGP so the VTEP next hop (192.0.2.2, a documentation
 * address) is kept and FRR does not see a martian 127/8 next hop. Ports are
 * chosen at run time; everything lives in a temp dir and is stopped by PID.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { FRR_BGPD } from '../../../support/bgp-peers.js';
import { freePort } from '../../../support/process.js';
import { MiniPeer } from './mini-peer.js';

const run = promisify(execFile);

export const GOBGPD = '/usr/bin/gobgpd';
export const GOBGP = '/usr/bin/gobgp';

export function daemonsInstalled(): boolean {
  return [GOBGPD, GOBGP, FRR_BGPD].every((p) => existsSync(p));
}

export async function versions(): Promise<{ gobgpd: string; frr: string }> {
  const g = await run(GOBGPD, ['--version']);
  const f = await run(FRR_BGPD, ['--version']).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  return { gobgpd: g.stdout.trim().split('\n')[0], frr: f.stdout.trim().split('\n')[0] };
}

/** The gobgp CLI injections, one array of arguments each (after `global rib -a evpn add`). */
export const INJECTIONS: string[][] = [
  'macadv aa:bb:cc:00:00:01 0.0.0.0 etag 0 label 5000 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan nexthop 192.0.2.2',
  'macadv aa:bb:cc:00:00:02 198.51.100.2 etag 0 label 5000 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan router-mac 02:00:00:00:00:aa nexthop 192.0.2.2',
  'macadv aa:bb:cc:00:00:03 2001:db8::3 etag 0 label 5000,6000 rd 65001:5000 rt 4200000000:5000 encap vxlan nexthop 192.0.2.2',
  'macadv aa:bb:cc:00:00:05 198.51.100.5 esi ARBITRARY 11:22:33:44:55:66:77:88:99 etag 0 label 5000 rd 65001:5000 rt 65001:5000 default-gateway nexthop 192.0.2.2',
  'multicast 192.0.2.2 etag 0 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan pmsi ingress-repl 5000 192.0.2.2 nexthop 192.0.2.2',
  'a-d esi ARBITRARY 11:22:33:44:55:66:77:88:99 etag 100 label 7000 rd 192.0.2.2:7 rt 65001:7 encap vxlan esi-label 300 nexthop 192.0.2.2',
  'esi 192.0.2.2 esi ARBITRARY 11:22:33:44:55:66:77:88:99 rd 192.0.2.2:8 rt 65001:8 encap vxlan nexthop 192.0.2.2',
  'prefix 10.1.1.0/24 gw 0.0.0.0 etag 0 label 5000 rd 65001:100 rt 65001:100 encap vxlan router-mac 02:00:00:00:00:aa nexthop 192.0.2.2',
  'prefix 2001:db8:1::/64 gw :: etag 0 label 5000 rd 65001:100 rt 65001:100 encap vxlan nexthop 192.0.2.2',
].map((s) => s.split(' '));

/**
 * Injected last: FRR 8.4 answers a type 3 route with an IPv6 originator with
 * NOTIFICATION 3/9 ("unsupported IP address length 128"), so it goes in after
 * FRR has relayed the rest, and FRR's withdrawals follow the reset.
 */
export const LATE_INJECTION: string[] = 'multicast 2001:db8::2 etag 0 rd 4200000000:9 rt 65001:9 encap vxlan nexthop 192.0.2.2'.split(' ');

export interface Lab {
  peer: MiniPeer;
  dir: string;
  /** Injects the given routes (default every INJECTIONS entry) into gobgpd. */
  inject(list?: string[][]): Promise<void>;
  /** Waits until `done()` holds or `ms` passes. */
  waitFor(done: () => boolean, ms: number): Promise<boolean>;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const t = sleep(3000).then(() => 'timeout');
  if ((await Promise.race([exited.then(() => 'ok'), t])) === 'timeout' && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
}

export async function startLab(): Promise<Lab> {
  const dir = await mkdtemp(join(tmpdir(), 'l2bgw-evpn-vectors-'));
  // bgpd drops to the frr user, which must read its config and write its pid
  // file and vty socket here (DESIGN.md §5)
  await chmod(dir, 0o777);
  const peer = new MiniPeer(65003, 0xc0000204);
  let gobgpd: ChildProcess | undefined;
  let bgpd: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    await stopChild(bgpd);
    await stopChild(gobgpd);
    await peer.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const peerPort = await peer.listen('127.0.0.3');
    const gobgpPort = await freePort('127.0.0.2');
    const apiPort = await freePort('127.0.0.1');
    const frrPort = await freePort('127.0.0.1');
    await writeFile(
      join(dir, 'gobgpd.toml'),
      `[global.config]
  as = 65001
  router-id = "192.0.2.2"
  port = ${gobgpPort}
  local-address-list = ["127.0.0.2"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.3"
    peer-as = 65003
  [neighbors.transport.config]
    remote-port = ${peerPort}
    local-address = "127.0.0.2"
  [neighbors.timers.config]
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.1"
    peer-as = 65001
  [neighbors.transport.config]
    passive-mode = true
    local-address = "127.0.0.2"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
`,
    );
    await writeFile(
      join(dir, 'bgpd.conf'),
      `frr defaults datacenter
hostname l2bgw-vectors
log file ${dir}/bgpd.log
!
router bgp 65001
 bgp router-id 192.0.2.3
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor 127.0.0.2 remote-as 65001
 neighbor 127.0.0.2 port ${gobgpPort}
 neighbor 127.0.0.2 update-source 127.0.0.1
 neighbor 127.0.0.2 timers connect 1
 neighbor 127.0.0.3 remote-as 65003
 neighbor 127.0.0.3 port ${peerPort}
 neighbor 127.0.0.3 update-source 127.0.0.1
 neighbor 127.0.0.3 disable-connected-check
 neighbor 127.0.0.3 timers connect 1
 !
 address-family l2vpn evpn
  neighbor 127.0.0.2 activate
  neighbor 127.0.0.3 activate
 exit-address-family
!
`,
    );
    await chmod(join(dir, 'bgpd.conf'), 0o644);
    gobgpd = spawn(GOBGPD, ['-f', join(dir, 'gobgpd.toml'), '--api-hosts', `127.0.0.1:${apiPort}`, '-l', 'warn'], { stdio: 'ignore' });
    const gobgp = (args: string[]): Promise<{ stdout: string }> => run(GOBGP, ['-p', String(apiPort), ...args], { timeout: 5000 });
    let apiUp = false;
    for (let i = 0; i < 100 && !apiUp; i++) {
      apiUp = await gobgp(['global']).then(
        () => true,
        () => false,
      );
      if (!apiUp) await sleep(100);
    }
    if (!apiUp) throw new Error('gobgpd API did not come up');
    bgpd = spawn(FRR_BGPD, ['-Z', '-p', String(frrPort), '-l', '127.0.0.1', '-f', join(dir, 'bgpd.conf'), '--vty_socket', dir, '-i', join(dir, 'bgpd.pid')], {
      stdio: 'ignore',
    });
    const lab: Lab = {
      peer,
      dir,
      async inject(list = INJECTIONS) {
        for (const args of list) await gobgp(['global', 'rib', '-a', 'evpn', 'add', ...args]);
      },
      async waitFor(done, ms) {
        const end = performance.now() + ms;
        while (performance.now() < end) {
          if (done()) return true;
          await sleep(100);
        }
        return done();
      },
      stop,
    };
    return lab;
  } catch (e) {
    await stop();
    throw e;
  }
}
