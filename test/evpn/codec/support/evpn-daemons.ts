/**
 * Real GoBGP and FRR daemons on loopback that originate EVPN routes toward a
 * MiniPeer, for capturing vectors from other implementations:
 *
 *   gobgpd (AS 65001, 127.0.0.2) ──eBGP──────────────────► MiniPeer (AS 65003, 127.0.0.3)
 *        └──iBGP──► FRR bgpd (AS 65001, 127.0.0.1) ──eBGP──►┘
 *
 * GoBGP originates every route (injected with its CLI); FRR re-encodes what it
 * learns. GoBGP↔FRR is iBGP so the VTEP next hop (192.0.2.2, a documentation
 * address) is kept and FRR does not see a martian 127/8 next hop. Both daemons
 * are started, waited for and stopped by the starters of test/support/bgp-peers.ts,
 * on ports chosen at run time.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FRR_BGPD, startFrr, startGobgp } from '../../../support/bgp-peers.js';
import type { FrrBgpd, Gobgpd } from '../../../support/bgp-peers.js';
import { freePort } from '../../../support/process.js';
import { MiniPeer } from './mini-peer.js';

const run = promisify(execFile);

export async function versions(): Promise<{ gobgpd: string; frr: string }> {
  const g = await run('gobgpd', ['--version']);
  const f = await run(FRR_BGPD, ['--version']).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  return { gobgpd: g.stdout.trim().split('\n')[0], frr: f.stdout.trim().split('\n')[0] };
}

/** The gobgp CLI injections, each the words after `global rib -a evpn add`. */
export const INJECTIONS: string[] = [
  'macadv aa:bb:cc:00:00:01 0.0.0.0 etag 0 label 5000 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan nexthop 192.0.2.2',
  'macadv aa:bb:cc:00:00:02 198.51.100.2 etag 0 label 5000 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan router-mac 02:00:00:00:00:aa nexthop 192.0.2.2',
  'macadv aa:bb:cc:00:00:03 2001:db8::3 etag 0 label 5000,6000 rd 65001:5000 rt 4200000000:5000 encap vxlan nexthop 192.0.2.2',
  'macadv aa:bb:cc:00:00:05 198.51.100.5 esi ARBITRARY 11:22:33:44:55:66:77:88:99 etag 0 label 5000 rd 65001:5000 rt 65001:5000 default-gateway nexthop 192.0.2.2',
  'multicast 192.0.2.2 etag 0 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan pmsi ingress-repl 5000 192.0.2.2 nexthop 192.0.2.2',
  'a-d esi ARBITRARY 11:22:33:44:55:66:77:88:99 etag 100 label 7000 rd 192.0.2.2:7 rt 65001:7 encap vxlan esi-label 300 nexthop 192.0.2.2',
  'esi 192.0.2.2 esi ARBITRARY 11:22:33:44:55:66:77:88:99 rd 192.0.2.2:8 rt 65001:8 encap vxlan nexthop 192.0.2.2',
  'prefix 10.1.1.0/24 gw 0.0.0.0 etag 0 label 5000 rd 65001:100 rt 65001:100 encap vxlan router-mac 02:00:00:00:00:aa nexthop 192.0.2.2',
  'prefix 2001:db8:1::/64 gw :: etag 0 label 5000 rd 65001:100 rt 65001:100 encap vxlan nexthop 192.0.2.2',
];

/**
 * Injected last: FRR 8.4 answers a type 3 route with an IPv6 originator with
 * NOTIFICATION 3/9 ("unsupported IP address length 128"), so it goes in after
 * FRR has relayed the rest, and FRR's withdrawals follow the reset.
 */
export const LATE_INJECTION = 'multicast 2001:db8::2 etag 0 rd 4200000000:9 rt 65001:9 encap vxlan nexthop 192.0.2.2';

export interface Lab {
  peer: MiniPeer;
  /** Injects the given routes (default every INJECTIONS entry) into gobgpd. */
  inject(list?: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

const gobgpdConfig = (peerPort: number): string => `[global.config]
  as = 65001
  router-id = "192.0.2.2"
  port = {{PORT}}
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
`;

const bgpdConfig = (gobgpPort: number, peerPort: number): string => `frr defaults datacenter
hostname l2bgw-vectors
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
`;

export async function startLab(): Promise<Lab> {
  const peer = new MiniPeer(65003, 0xc0000204);
  let gobgpd: Gobgpd | undefined;
  let bgpd: FrrBgpd | undefined;
  const stop = async (): Promise<void> => {
    await bgpd?.dispose();
    await gobgpd?.dispose();
    await peer.close();
  };
  try {
    const peerPort = await peer.listen('127.0.0.3');
    const gobgp = await startGobgp({ config: gobgpdConfig(peerPort), port: await freePort('127.0.0.2') });
    gobgpd = gobgp;
    bgpd = await startFrr({ config: bgpdConfig(gobgp.port, peerPort) });
    return {
      peer,
      async inject(list = INJECTIONS) {
        for (const route of list) await gobgp.evpn('add', route);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
