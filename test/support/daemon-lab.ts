/**
 * What the end-to-end suites share (conformance/daemon-*.test.ts run the l2bgwd binary,
 * conformance/evpn-*.test.ts an in-process Gateway), on loopback, in AS 65000 unless
 * told otherwise:
 * - a hardware_vtep ovsdb-server holding switch ps0 (tunnel IP 192.0.2.1) and logical
 *   switch ls0 (VNI 5000), made with test/vtep/switch-helpers.ts's setUpSwitch;
 * - a BGP speaker of our own session layer that sends EVPN UPDATEs over a real socket
 *   (gobgp's CLI cannot send broken NLRI, and adds one route per process);
 * - the l2bgwd config lines around its peers and switches;
 * - the config of a gobgpd with one l2vpn/evpn neighbor;
 * - a started Gateway with one peer and its log.
 */
import { pino } from 'pino';
import { BgpSpeaker } from '../../src/bgp/session/speaker.js';
import { endOfRib } from '../../src/bgp/wire/message.js';
import type { UpdateMessage } from '../../src/bgp/wire/types.js';
import type { Config } from '../../src/config/types.js';
import { Gateway } from '../../src/daemon/gateway.js';
import { TunnelType, buildEvpnCommunities } from '../../src/evpn/ext-communities.js';
import { EVPN_AFI, EVPN_SAFI, encodeEvpnNlri } from '../../src/evpn/nlri.js';
import { EVPN_FAMILY } from '../../src/evpn/nlri.js';
import type { MacIpRoute } from '../../src/evpn/types.js';
import { vtepCtl } from '../vtep/switch-helpers.js';
import type { VtepDb } from '../vtep/switch-helpers.js';
import type { LogLine } from './l2bgwd.js';

export const LAB_AS = 65000;
export const LAB_VNI = 5000;

/** What a suite starts: l2bgwd, a switch database, gobgpd (dispose) or a test speaker (close). */
export type Started = { dispose(): Promise<void> } | { close(): Promise<void> };

/**
 * Stops what a suite started, one after the other in the order given: l2bgwd first, so
 * that it does not see its peers and switch go; what never started is skipped.
 */
export async function stopInOrder(...started: Array<Started | undefined>): Promise<void> {
  for (const s of started) {
    if (s !== undefined) await ('dispose' in s ? s.dispose() : s.close());
  }
}

// ------------------------------------------------------------------ the switch

/** `vtep-ctl list-remote-macs ls0`: a `MAC -> vxlan_over_ipv4/DST_IP` line per Ucast_Macs_Remote row. */
export function remoteMacs(db: VtepDb): Promise<string> {
  return vtepCtl(db, 'list-remote-macs', 'ls0');
}

// ------------------------------------------------------------- the test speaker

/** Route target 65000:5000 and the VXLAN encapsulation (RFC 8365 §5.1.3) of every lab route. */
const LAB_EXT_COMMUNITIES = buildEvpnCommunities({ routeTargets: [`${LAB_AS}:${LAB_VNI}`], encapsulation: TunnelType.VXLAN });

/** A MAC-only type-2 route of VNI 5000 (ESI 0, Ethernet tag 0, label 5000). */
function macRoute(rd: string, mac: number): MacIpRoute {
  return { type: 2, rd, esi: '00000000000000000000', ethTag: 0, mac, label1: LAB_VNI };
}

/** An UPDATE whose MP_REACH_NLRI carries `nlri` (encoded EVPN routes, or broken ones) with an IPv4 next hop. */
export function evpnUpdate(nlri: Buffer, nextHop: string): UpdateMessage {
  return {
    type: 'update', withdrawn: [], nlri: [],
    attributes: {
      origin: 0, asPath: [], localPref: 100, extCommunities: LAB_EXT_COMMUNITIES,
      mpReach: { afi: EVPN_AFI, safi: EVPN_SAFI, nextHop: Buffer.from(nextHop.split('.').map(Number)), nlri },
    },
  };
}

/** An UPDATE announcing MAC-only type-2 routes of VNI 5000. */
export function type2Update(rd: string, macs: readonly number[], nextHop: string): UpdateMessage {
  return evpnUpdate(encodeEvpnNlri(macs.map((mac) => macRoute(rd, mac))), nextHop);
}

export function evpnEndOfRib(): UpdateMessage {
  return endOfRib(EVPN_FAMILY);
}

/**
 * A started speaker listening on `address` (port chosen by the system), accepting `peers` only.
 * With `table`, it sends those UPDATEs on every session that comes up, as a peer sends its
 * Adj-RIB-Out (end it with evpnEndOfRib() for a complete table).
 */
export async function startTestSpeaker(routerId: string, address: string, peers: readonly string[], table?: UpdateMessage[]): Promise<BgpSpeaker> {
  const speaker = new BgpSpeaker({
    config: { routerId, localAs: LAB_AS, listen: { host: address, port: 0 }, peers: peers.map((a) => ({ address: a, remoteAs: LAB_AS, passive: true })) },
  });
  if (table) speaker.on('established', (p) => void speaker.sendUpdates(p, table));
  await speaker.start();
  return speaker;
}

// ------------------------------------------------------------- l2bgwd config

export interface DaemonYamlOptions {
  /** default 192.0.2.1 */
  routerId?: string;
  /** bgp.peers entries, each a flow mapping (see peerEntry) */
  peers: readonly string[];
  /** vteps entries, each a flow mapping (see switchEntry) */
  vteps: readonly string[];
  /** more lines under `bgp:` (e.g. `listen: {…}`) */
  bgp?: readonly string[];
  /** more top-level lines (`api:`, `evpn:`) */
  extra?: readonly string[];
}

/** l2bgwd YAML in AS 65000 with connect_retry 1 and log_level info (the harness appends data_dir). */
export function daemonYaml(o: DaemonYamlOptions): string {
  return [
    `router_id: ${o.routerId ?? '192.0.2.1'}`,
    `local_as: ${LAB_AS}`,
    'bgp:',
    ...(o.bgp ?? []).map((l) => `  ${l}`),
    '  connect_retry: 1',
    '  peers:',
    ...o.peers.map((p) => `    - ${p}`),
    'vteps:',
    ...o.vteps.map((v) => `  - ${v}`),
    ...(o.extra ?? []),
    'log_level: info',
  ].join('\n');
}

const more = (extra: string): string => (extra === '' ? '' : `, ${extra}`);

/** A peer l2bgwd connects to from `localAddress`: `{ address, remote_as: 65000, port, local_address }` and `extra` keys. */
export function peerEntry(address: string, port: number | undefined, localAddress: string, extra = ''): string {
  return `{ address: ${address}, remote_as: ${LAB_AS}, port: ${port}, local_address: ${localAddress}${more(extra)} }`;
}

/** Switch ps0 at `ovsdb` (e.g. the lab database's unixRemote), with `extra` keys. */
export function switchEntry(ovsdb: string, extra = ''): string {
  return `{ switch: ps0, ovsdb: "${ovsdb}"${more(extra)} }`;
}

// ------------------------------------------------------------- gobgpd config

export interface GobgpPeerOptions {
  /** gobgpd's own address (listen and source) */
  address: string;
  routerId: string;
  /** the neighbor's address: l2bgwd, an in-process gateway, FRR */
  neighbor: string;
  /** gobgpd's AS, default 65000 */
  as?: number;
  /** the neighbor's AS, default `as` (iBGP) */
  peerAs?: number;
  /** connect to the neighbor on this port */
  remotePort?: number;
  /** only accept, never connect; default: when there is no remotePort */
  passive?: boolean;
  /** hold time, keepalives at a third of it; absent: gobgpd's default */
  holdTime?: number;
  /** seconds between connection attempts; absent: gobgpd's default */
  connectRetry?: number;
  /** graceful restart (RFC 4724) for l2vpn/evpn with this restart time */
  restartTime?: number;
  /** with restartTime: the N bit (RFC 8538) */
  notification?: boolean;
}

/** gobgpd.toml for one l2vpn/evpn neighbor (`{{PORT}}` is filled in by startGobgp). */
export function gobgpPeerConfig(o: GobgpPeerOptions): string {
  const as = o.as ?? LAB_AS;
  const lines = [
    '[global.config]',
    `  as = ${as}`,
    `  router-id = "${o.routerId}"`,
    '  port = {{PORT}}',
    `  local-address-list = ["${o.address}"]`,
    '[[neighbors]]',
    '  [neighbors.config]',
    `    neighbor-address = "${o.neighbor}"`,
    `    peer-as = ${o.peerAs ?? as}`,
    '  [neighbors.transport.config]',
  ];
  if (o.remotePort !== undefined) lines.push(`    remote-port = ${o.remotePort}`);
  if (o.passive ?? o.remotePort === undefined) lines.push('    passive-mode = true');
  lines.push(`    local-address = "${o.address}"`);
  if (o.holdTime !== undefined || o.connectRetry !== undefined) lines.push('  [neighbors.timers.config]');
  if (o.holdTime !== undefined) lines.push(`    hold-time = ${o.holdTime}`, `    keepalive-interval = ${Math.floor(o.holdTime / 3)}`);
  if (o.connectRetry !== undefined) lines.push(`    connect-retry = ${o.connectRetry}`);
  if (o.restartTime !== undefined) {
    lines.push('  [neighbors.graceful-restart.config]', '    enabled = true', `    restart-time = ${o.restartTime}`);
    if (o.notification) lines.push('    notification-enabled = true');
  }
  lines.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', '      afi-safi-name = "l2vpn-evpn"');
  if (o.restartTime !== undefined) lines.push('    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true');
  return `${lines.join('\n')}\n`;
}

/**
 * Routes of a remote VTEP 192.0.2.2 in VNI 5000 (RD 192.0.2.2:5000, RT 65001:5000, VXLAN),
 * as `gobgp global rib -a evpn add` words (see Gobgpd.evpn): MAC-only, MAC+IP, and the
 * inclusive multicast route with its ingress replication PMSI.
 */
export const GOBGP_MAC_ONLY = 'macadv aa:bb:cc:00:00:01 0.0.0.0 etag 0 label 5000 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan nexthop 192.0.2.2';
export const GOBGP_MAC_IP = 'macadv aa:bb:cc:00:00:02 198.51.100.2 etag 0 label 5000 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan nexthop 192.0.2.2';
export const GOBGP_IMET = 'multicast 192.0.2.2 etag 0 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan pmsi ingress-repl 5000 192.0.2.2 nexthop 192.0.2.2';

// ------------------------------------------------------------- in-process gateway

export interface TestGatewayOptions {
  routerId: string;
  /** local_as, and the peer's AS: iBGP keeps the VTEP next hops the peer is given */
  as: number;
  /** the gateway's address: source of its connection, and where it listens with listenPort */
  address: string;
  /** its one peer, connected to on `port` */
  peer: { address: string; port: number };
  listenPort?: number;
  /** the one EVI (auto_vni is off: there is no switch) */
  vni: number;
  /** the tunnel IP a switch would give it: next hop of the routes it originates */
  localVtep: string;
}

/**
 * A started Gateway (the daemon without a switch) with one peer, hold time 9 s,
 * connect retry 1 s and graceful restart; its log lines are collected in `log`.
 */
export async function startTestGateway(o: TestGatewayOptions): Promise<{ gw: Gateway; log: LogLine[] }> {
  const config: Config = {
    router_id: o.routerId,
    local_as: o.as,
    bgp: {
      ...(o.listenPort === undefined ? {} : { listen: { host: o.address, port: o.listenPort } }),
      hold_time: 9,
      connect_retry: 1,
      peers: [{ address: o.peer.address, remote_as: o.as, port: o.peer.port, local_address: o.address, passive: false, hold_time: 9, graceful_restart: true }],
    },
    vteps: [],
    evpn: { auto_vni: false, vnis: [{ vni: o.vni }] },
    data_dir: '/nonexistent',
    log_level: 'silent',
  };
  const log: LogLine[] = [];
  const sink = { write: (s: string): void => { log.push(JSON.parse(s) as LogLine); } };
  const gw = new Gateway({ config, logger: pino({ level: 'info' }, sink) });
  await gw.start();
  gw.setLocalVtep(o.localVtep);
  return { gw, log };
}
