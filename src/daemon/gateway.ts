/**
 * The gateway: wires the BGP speaker, the EVPN RIB and the managed switches together.
 *
 *   BgpSpeaker ──update──▶ EvpnRib ──deltas──▶ VtepSwitch (remote rows)
 *        ▲                    │  ▲
 *        └──flushOutgoing─────┘  └──local MACs, EVIs, VTEP IP── VtepSwitch (local side)
 *
 * The RIB is the single owner of routes; everything here runs on the one event loop,
 * one event at a time, and after each event the RIB's outgoing changes are flushed to
 * the peers. Time enters the RIB as seconds from a monotonic clock.
 */
import type { Logger } from 'pino';
import { BgpSpeaker } from '../bgp/session/speaker.js';
import type { Peer, PeerSnapshot } from '../bgp/session/peer.js';
import type { BgpConfig as SessionBgpConfig, PeerConfig as SessionPeerConfig } from '../bgp/session/config.js';
import { parseRouterId } from '../bgp/wire/ipv4.js';
import { describeReason } from '../bgp/session/peer.js';
import type { Negotiated, DownReason } from '../bgp/fsm/types.js';
import { CeaseSubcode, ErrorCode } from '../bgp/wire/types.js';
import { sameFamily } from '../bgp/fsm/open.js';
import { EvpnRib } from '../evpn/rib/rib.js';
import type { RibDelta, RibEvent } from '../evpn/rib/rib.js';
import { routeTable } from './routes.js';
import type { GatewayRoute } from './routes.js';
import { formatMac, parseIp, parseMac } from '../evpn/addr.js';
import { EVPN_FAMILY, countEvpnRoutes } from '../evpn/nlri.js';
import type { GatewayMetrics } from '../api/metrics.js';
import type { UpdateMessage } from '../bgp/wire/types.js';
import { VtepSwitch } from '../vtep/switch.js';
import type { VtepSwitchStatus } from '../vtep/switch.js';
import type { OvsdbTlsOptions } from '../vtep/ovsdb/client.js';
import type { Config, EviConfig, PeerConfig, VtepConfig } from '../config/types.js';
import type { ManualConnectionEntry } from '../api/config-store.js';
import type { EffectiveMac, RouteFilter } from '../api/state.js';
import type { ConfigDiff } from '../config/diff.js';

export function sessionPeerConfig(p: PeerConfig): SessionPeerConfig {
  return {
    address: p.address,
    remoteAs: p.remote_as,
    port: p.port,
    localAddress: p.local_address,
    passive: p.passive,
    holdTime: p.hold_time,
    maxPrefixes: p.max_prefixes,
    gracefulRestart: p.graceful_restart,
  };
}

export function sessionBgpConfig(c: Config): SessionBgpConfig {
  return {
    routerId: c.router_id,
    localAs: c.local_as,
    listen: c.bgp.listen,
    holdTime: c.bgp.hold_time,
    connectRetry: c.bgp.connect_retry,
    peers: c.bgp.peers.map(sessionPeerConfig),
  };
}

function eviConfig(e: EviConfig): { vni: number; rd?: string; importRts?: string[]; exportRts?: string[] } {
  return { vni: e.vni, rd: e.rd, importRts: e.import_rts, exportRts: e.export_rts };
}

/** Seconds on a monotonic clock: what the RIB's timers compare. */
function now(): number {
  return performance.now() / 1000;
}

export interface GatewayOptions {
  config: Config;
  logger: Logger;
}

/** Consumers of best-path changes (the managed switches). */
export interface DeltaSink {
  applyRibDeltas(batch: readonly RibDelta[]): void;
  /** Every peer sent End-of-RIB (or the wait ran out): stale rows may now be deleted. */
  setRoutesComplete?(complete: boolean): void;
}

/** How long switches keep rows they cannot yet prove stale, when a peer never sends End-of-RIB. */
const ROUTES_COMPLETE_WAIT_MS = 30_000;
const SYNC_PROGRESS_STEP = 10_000;

/**
 * RFC 8538 §4: with the N bit agreed, a NOTIFICATION sent or received ends the session
 * gracefully unless it is a Hard Reset. One we sent to stop the peer (admin shutdown,
 * de-configuration) is not a restart: its routes go.
 */
export function gracefulNotification(reason: DownReason): boolean {
  if (reason.kind !== 'notification-received' && reason.kind !== 'notification-sent') return false;
  return !(reason.notification.code === ErrorCode.CEASE && reason.notification.subcode === CeaseSubcode.HARD_RESET);
}

/** The TLS files of an `ssl:` switch target, as the OVSDB client takes them. */
function vtepTls(v: VtepConfig): OvsdbTlsOptions | undefined {
  return v.ssl ? { keyFile: v.ssl.private_key, certFile: v.ssl.certificate, caFile: v.ssl.ca_cert } : undefined;
}

export class Gateway {
  readonly rib: EvpnRib;
  readonly speaker: BgpSpeaker;
  private config: Config;
  private readonly log: Logger;
  private readonly sinks = new Set<DeltaSink>();
  private tickTimer: ReturnType<typeof setTimeout> | undefined;
  /** EVIs from the config file, by VNI; auto EVIs (auto_vni) are added beside them. */
  private readonly configuredVnis = new Set<number>();
  private readonly autoVnis = new Set<number>();
  private readonly switches = new Map<string, VtepSwitch>();
  private readonly switchVnis = new Map<string, Set<number>>();
  /** Peers that sent End-of-RIB since l2bgwd started (RFC 4724 §4.1). */
  private readonly synced = new Set<string>();
  private routesComplete = false;
  private routesCompleteTimer: ReturnType<typeof setTimeout> | undefined;
  private metrics: GatewayMetrics | undefined;
  private readonly progressStep = new Map<string, number>();

  constructor(opts: GatewayOptions) {
    this.config = opts.config;
    this.log = opts.logger;
    const routerId = parseRouterId(opts.config.router_id) ?? 0;
    this.rib = new EvpnRib({
      routerId,
      localAs: opts.config.local_as,
      listener: { deltas: (b) => this.onDeltas(b), event: (e) => this.onRibEvent(e) },
    });
    for (const e of opts.config.evpn.vnis) this.setEvi(eviConfig(e), true);
    this.speaker = new BgpSpeaker({ config: sessionBgpConfig(opts.config), logger: this.log });
    this.speaker.on('established', (peer, neg) => this.onEstablished(peer, neg));
    this.speaker.on('update', (peer, update, errors) => {
      const r = this.rib.receiveUpdate(peer.address, update, errors, now());
      if (!r.ok) {
        // RFC 7606 §5.3: broken NLRI framing resets the session.
        this.log.warn({ peer: peer.address, code: r.error.code }, `malformed UPDATE from ${peer.address}: ${r.error.message}; resetting the session`);
        peer.updateError(r.error);
        return;
      }
      if (r.endOfRib) {
        this.log.info({ peer: peer.address, routes: this.rib.prefixCount(peer.address) }, `End-of-RIB from ${peer.address}: ${this.rib.prefixCount(peer.address)} routes`);
        this.synced.add(peer.address);
        this.checkRoutesComplete();
      }
      if (r.announced > 0) this.metrics?.routesIn(peer.address, r.announced);
      if (!this.synced.has(peer.address)) this.syncProgress(peer.address);
      if (r.maxPrefixesExceeded && peer.config.maxPrefixes !== undefined) peer.maxPrefixesExceeded(EVPN_FAMILY, peer.config.maxPrefixes);
      this.afterEvent();
    });
    this.speaker.on('routeRefresh', (peer) => {
      this.send(peer, this.rib.routeRefresh(peer.address));
    });
    this.speaker.on('down', (peer, reason) => this.onDown(peer, reason));
    this.speaker.on('stateChange', () => this.countSessions());
  }

  /**
   * Prometheus counters (REST /metrics): sessions by state, routes in and out
   * per peer, and per switch each transaction's latency and rows.
   */
  setMetrics(m: GatewayMetrics): void {
    this.metrics = m;
    this.countSessions();
    // Rows the switches wrote before the counters existed.
    for (const [name, sw] of this.switches) {
      const w = sw.writerStats;
      if (w.rowsWritten + w.rowsDeleted > 0) m.rowsWritten(name, w.rowsWritten + w.rowsDeleted);
    }
  }

  private countSessions(): void {
    if (!this.metrics) return;
    const byState: Record<string, number> = {};
    for (const p of this.speaker.peers()) byState[p.state] = (byState[p.state] ?? 0) + 1;
    this.metrics.setSessions(byState);
  }

  private send(peer: Peer | string, updates: UpdateMessage[]): void {
    if (!this.speaker.sendUpdates(peer, updates) || !this.metrics) return;
    let routes = 0;
    for (const u of updates) if (u.attributes.mpReach) routes += countEvpnRoutes(u.attributes.mpReach.nlri);
    if (routes > 0) this.metrics.routesOut(typeof peer === 'string' ? peer : peer.address, routes);
  }

  addSink(s: DeltaSink): void {
    this.sinks.add(s);
  }

  /** One managed switch per `vteps:` entry; its local side feeds origination, the RIB feeds its rows. */
  private addSwitch(v: VtepConfig): void {
    const first = this.switches.size === 0;
    const sw = new VtepSwitch({
      name: v.switch,
      ovsdb: v.ovsdb,
      tls: vtepTls(v),
      lock: v.lock,
      events: {
        // The RIB originates from one VTEP address: the first switch's (DESIGN.md §2).
        localVtep: (ip) => {
          if (first) this.setLocalVtep(ip);
          this.log.info({ switch: v.switch, tunnelIp: ip }, ip ? `switch ${v.switch}: tunnel IP ${ip}` : `switch ${v.switch}: no tunnel IP`);
        },
        logicalSwitches: (list) => {
          this.switchVnis.set(v.switch, new Set(list.map((l) => l.vni)));
          this.log.info({ switch: v.switch, vnis: list.map((l) => l.vni) }, `switch ${v.switch}: logical switches ${list.map((l) => `${l.name}=${l.vni}`).join(', ') || 'none'}`);
          this.setLogicalSwitchVnis(new Set([...this.switchVnis.values()].flatMap((set) => [...set])));
        },
        localMacs: (d) => this.localMacs(d.added, d.removed),
        transaction: (t) => {
          this.metrics?.observeOvsdbTransaction(v.switch, t.ms / 1000, t.ok);
          if (t.written + t.deleted > 0) this.metrics?.rowsWritten(v.switch, t.written + t.deleted);
        },
        error: (e) => this.log.warn({ switch: v.switch, code: e.code }, `switch ${v.switch}: ${e.message}`),
        lock: (held) => this.log.info({ switch: v.switch, lock: v.lock, held },
          held ? `switch ${v.switch}: holding lock ${v.lock}: this speaker writes the remote rows` : `switch ${v.switch}: lock ${v.lock} is held by another speaker: standing by`),
      },
    });
    this.switches.set(v.switch, sw);
    this.addSink(sw);
  }

  /** One info line per 10,000 routes of a peer's initial table: received, and rows the switches hold. */
  private syncProgress(peer: string): void {
    const received = this.rib.prefixCount(peer);
    const step = Math.floor(received / SYNC_PROGRESS_STEP);
    if (step <= (this.progressStep.get(peer) ?? 0)) return;
    this.progressStep.set(peer, step);
    const rows = [...this.switches.values()].reduce((n, s) => n + s.writerStats.rowsWritten, 0);
    this.log.info({ peer, received, rowsWritten: rows }, `initial table from ${peer}: ${received} routes received, ${rows} switch rows written`);
  }

  private checkRoutesComplete(): void {
    if (this.routesComplete) return;
    if (!this.config.bgp.peers.every((p) => this.synced.has(p.address))) return;
    this.markRoutesComplete('End-of-RIB from every peer');
  }

  private markRoutesComplete(why: string): void {
    if (this.routesComplete) return;
    this.routesComplete = true;
    if (this.routesCompleteTimer) clearTimeout(this.routesCompleteTimer);
    this.log.info(`routes complete (${why}): switches may now remove rows no route backs`);
    for (const s of this.sinks) s.setRoutesComplete?.(true);
    if (this.speaker.isRestarting) {
      // RFC 4724 §4.1: the restart is over once we have every table; new sessions are ordinary.
      this.speaker.setRestarting(false);
      this.log.info('restart complete: Graceful Restart R bit cleared for new sessions');
    }
  }

  /**
   * `restarting`: an earlier l2bgwd ran with this data_dir (its switch rows are still in
   * place and peers may hold its routes stale). Until routes are complete every OPEN
   * carries the Graceful Restart R bit (RFC 4724 §4.1).
   */
  async start(opts: { restarting?: boolean } = {}): Promise<void> {
    if (opts.restarting === true) {
      this.speaker.setRestarting(true);
      this.log.info('restarting: Graceful Restart R bit set until End-of-RIB from every peer');
    }
    for (const v of this.config.vteps) this.addSwitch(v);
    // Switches connect in the background: an unreachable one is retried, never blocks BGP.
    for (const sw of this.switches.values()) void sw.start();
    this.routesCompleteTimer = setTimeout(() => this.markRoutesComplete(`no End-of-RIB from every peer within ${ROUTES_COMPLETE_WAIT_MS / 1000} s`), ROUTES_COMPLETE_WAIT_MS);
    this.routesCompleteTimer.unref();
    this.checkRoutesComplete();
    await this.speaker.start();
    const listen = this.speaker.listenAddress();
    this.log.info({ listen, peers: this.config.bgp.peers.length, evis: this.rib.evis.size }, listen ? `BGP listening on ${listen.host}:${listen.port}` : 'BGP started (no listener: connecting out only)');
  }

  /** Cease to every peer; switch rows stay in place (the switch keeps forwarding). */
  async stop(communication: string): Promise<void> {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.routesCompleteTimer) clearTimeout(this.routesCompleteTimer);
    // Switches first: the sessions going down must not withdraw rows the switch forwards on.
    this.sinks.clear();
    await Promise.all([...this.switches.values()].map((s) => s.stop()));
    await this.speaker.close(communication);
  }

  // ------------------------------------------------------------ BGP events

  private onEstablished(peer: Peer, neg: Negotiated): void {
    const gr = neg.peerGracefulRestart;
    const grEvpn = gr?.families.some((f) => sameFamily(f, EVPN_FAMILY));
    this.rib.peerUp(
      {
        address: peer.address,
        remoteAs: neg.peerAs,
        localAs: this.config.local_as,
        routerId: neg.peerId,
        gracefulRestartTime: gr && grEvpn ? gr.restartTime : undefined,
        maxPrefixes: peer.config.maxPrefixes,
      },
      now(),
    );
    const evpn = neg.families.some((f) => sameFamily(f, EVPN_FAMILY));
    this.log.info({ peer: peer.address, as: neg.peerAs, hold: neg.holdTime, evpn }, `peer ${peer.address} (AS ${neg.peerAs}) up${evpn ? '' : ', without l2vpn/evpn'}`);
    if (evpn) this.send(peer, this.rib.initialTable(peer.address));
    this.afterEvent();
  }

  private onDown(peer: Peer, reason: DownReason): void {
    // RFC 4724 §4.2 with RFC 8538: keep the routes stale unless a NOTIFICATION other
    // than a graceful one ended the session.
    const graceful = reason.kind === 'connection-lost' || reason.kind === 'hold-timer-expired' || reason.kind === 'send-hold-timer-expired'
      || (peer.notificationAgreed && gracefulNotification(reason));
    this.rib.peerDown(peer.address, graceful, now());
    this.log.info({ peer: peer.address, reason: reason.kind }, `peer ${peer.address} down: ${describeReason(reason)}`);
    this.afterEvent();
  }

  /** After every event: send what changed, re-arm the RIB's timer. */
  private afterEvent(): void {
    for (const { peer, updates } of this.rib.flushOutgoing()) this.send(peer, updates);
    if (this.tickTimer) clearTimeout(this.tickTimer);
    const next = this.rib.nextDeadline();
    if (next !== undefined) {
      this.tickTimer = setTimeout(() => {
        this.tickTimer = undefined;
        this.rib.tick(now());
        this.afterEvent();
      }, Math.max(0, (next - now()) * 1000) + 10);
      this.tickTimer.unref();
    }
  }

  private onDeltas(batch: readonly RibDelta[]): void {
    for (const s of this.sinks) s.applyRibDeltas(batch);
    // One debug line per VNI and event: what the switches are about to learn.
    // Not info: a table arriving would log a line per UPDATE (the progress lines say how it goes).
    if (!this.log.isLevelEnabled('debug')) return;
    const perVni = new Map<number, { macs: number; removed: number; floods: number }>();
    for (const d of batch) {
      let c = perVni.get(d.vni);
      if (!c) perVni.set(d.vni, (c = { macs: 0, removed: 0, floods: 0 }));
      if (d.op === 'removed') c.removed++;
      else if (d.type === 2) c.macs++;
      else c.floods++;
    }
    for (const [vni, c] of perVni) {
      this.log.debug({ vni, ...c }, `VNI ${vni}: ${c.macs} MAC routes best, ${c.floods} flood members, ${c.removed} removed`);
    }
  }

  private onRibEvent(e: RibEvent): void {
    switch (e.kind) {
      case 'duplicate-mac':
        this.log.warn(e, `duplicate MAC ${formatMac(e.mac)} in VNI ${e.vni}: ${e.moves} moves in ${e.window} s, frozen`);
        break;
      case 'mac-moved':
        this.log.info(e, `MAC ${formatMac(e.mac)} in VNI ${e.vni} moved (sequence ${e.seq})`);
        break;
      case 'max-prefixes':
        this.log.warn(e, `peer ${e.peer} sent ${e.count} routes, over its limit of ${e.limit}`);
        break;
      case 'route-discarded':
        this.log.warn(e, `route from ${e.peer} discarded: ${e.message}`);
        break;
      default:
        this.log.debug(e, e.kind);
    }
  }

  // ------------------------------------------------------------ local side

  /** An EVI from the config (`configured`) or from a logical switch (evpn.auto_vni). */
  setEvi(cfg: { vni: number; rd?: string; importRts?: string[]; exportRts?: string[] }, configured: boolean): void {
    if (!configured && this.configuredVnis.has(cfg.vni)) return;
    const r = this.rib.setEvi(cfg, now());
    if (!r.ok) {
      this.log.error({ vni: cfg.vni }, `EVI ${cfg.vni}: ${r.error}`);
      return;
    }
    (configured ? this.configuredVnis : this.autoVnis).add(cfg.vni);
    this.afterEvent();
  }

  /** The logical switches of the managed switches: with auto_vni each one with a VNI is an EVI. */
  setLogicalSwitchVnis(vnis: ReadonlySet<number>): void {
    if (!this.config.evpn.auto_vni) return;
    for (const vni of vnis) if (!this.autoVnis.has(vni) && !this.configuredVnis.has(vni)) this.setEvi({ vni }, false);
    for (const vni of [...this.autoVnis]) {
      if (!vnis.has(vni)) {
        this.autoVnis.delete(vni);
        this.rib.deleteEvi(vni, now());
      }
    }
    this.afterEvent();
  }

  setLocalVtep(ip: string | undefined): void {
    this.rib.setLocalVtep(ip === undefined ? undefined : parseIp(ip), now());
    this.afterEvent();
  }

  localMacs(added: ReadonlyArray<{ mac: string; vni: number; ip?: string; nextHop: string }>, removed: ReadonlyArray<{ mac: string; vni: number }>): void {
    const t = now();
    for (const m of removed) {
      const mac = parseMac(m.mac);
      if (mac !== undefined) this.rib.removeLocalMac(m.vni, mac, t);
    }
    for (const m of added) {
      const mac = parseMac(m.mac);
      const nextHop = parseIp(m.nextHop);
      if (mac === undefined || !nextHop) continue;
      this.rib.addLocalMac({ mac, vni: m.vni, ip: m.ip ? parseIp(m.ip) : undefined, nextHop }, t);
    }
    if (added.length + removed.length > 0) this.log.info({ added: added.length, removed: removed.length }, `local MACs: ${added.length} added, ${removed.length} removed`);
    this.afterEvent();
  }

  // ------------------------------------------------------------ reload

  applyReload(diff: ConfigDiff, next: Config): void {
    // Peers (a new bgp.hold_time reaches them), EVIs and log_level apply now; the rest
    // (switch connections, identity, listeners) at the next start.
    const later = [
      ...[...diff.vteps.added, ...diff.vteps.removed, ...diff.vteps.changed.map((c) => c.after)].map((v) => `vteps (${v.switch})`),
      ...diff.keys.filter((k) => k !== 'log_level' && k !== 'bgp.hold_time'),
    ];
    if (later.length > 0) this.log.warn({ keys: later }, `reload: ${later.join(', ')} changed; this takes effect at the next start`);
    this.config = next;
    for (const p of diff.peers.added) this.speaker.addPeer(sessionPeerConfig(p));
    for (const p of diff.peers.removed) void this.speaker.removePeer(p.address);
    for (const c of diff.peers.changed) this.speaker.updatePeer(sessionPeerConfig(c.after));
    for (const e of diff.evis.removed) {
      this.configuredVnis.delete(e.vni);
      this.rib.deleteEvi(e.vni, now());
    }
    for (const e of [...diff.evis.added, ...diff.evis.changed.map((c) => c.after)]) this.setEvi(eviConfig(e), true);
    this.afterEvent();
  }

  // ------------------------------------------------------------ visibility

  peers(): PeerSnapshot[] {
    return this.speaker.peers();
  }

  /** Manual connections and MACs (REST/CLI): each switch gets those of its l2_gateway. */
  setManual(entries: readonly ManualConnectionEntry[]): void {
    for (const [name, sw] of this.switches) sw.setManual({ connections: entries.filter((e) => e.l2GatewaySwitch === name) });
    const macs = entries.reduce((n, e) => n + e.macs.length, 0);
    this.log.info({ connections: entries.length, macs }, `manual config: ${entries.length} connections, ${macs} remote MACs`);
  }

  effectiveMacs(switchName: string): EffectiveMac[] {
    const sw = this.switches.get(switchName);
    if (!sw) return [];
    return sw.effectiveMacs().map((m) => {
      const e: EffectiveMac = { mac: m.mac, logical_switch: m.logicalSwitch, dst_ip: m.dstIp, source: m.source };
      if (m.ipaddr) e.ipaddr = m.ipaddr;
      return e;
    });
  }

  /** The managed switches by Physical_Switch name (the REST directory reads their names). */
  managedSwitches(): ReadonlyMap<string, VtepSwitch> {
    return this.switches;
  }

  vteps(): VtepSwitchStatus[] {
    return [...this.switches.values()].map((s) => s.status());
  }

  /** The Loc-RIB's rows, each with whether a managed switch holds the row it maps to. */
  routes(filter: RouteFilter = {}): GatewayRoute[] {
    const switches = [...this.switches.values()].map((s) => s.remoteRows());
    return routeTable(this.rib.locRib(filter.vni), switches, filter, now());
  }
}
