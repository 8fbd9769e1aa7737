/**
 * The EVPN RIB of an edge PE: Adj-RIB-In per peer, Loc-RIB per EVI,
 * Adj-RIB-Out of our own routes (RFC 4271 §3.2, RFC 7432, RFC 8365).
 *
 * A single-owner object driven by events, one at a time: peer up/down,
 * UPDATE received, local MAC added/removed, EVI added/removed, clock ticks.
 * Time comes in as numbers (seconds); nothing here does I/O or sets timers.
 *
 * - Import (RFC 7432 §7.9, §9.2.1): a route goes into every EVI whose import
 *   list matches one of its route targets (EviTable indexes RT → EVIs).
 * - Best path per (MAC, EVI) for type 2 and per (originator, EVI) for
 *   type 3, see best-path.ts; changes come out as a delta batch per event.
 *   Types 1, 4 and 5 are kept in the Adj-RIB-In and not acted on.
 * - Errors: routes of an UPDATE with a treat-as-withdraw error (RFC 7606 §2)
 *   stay visible in the Adj-RIB-In as ineligible and never reach the
 *   Loc-RIB; one bad route inside intact NLRI framing is dropped alone
 *   (DESIGN.md §3); broken framing is returned for a session reset.
 * - Loops: routes with our ORIGINATOR_ID (RFC 4456 §8) or our AS in the
 *   AS_PATH (RFC 4271 §9.1.2) are ignored. We are not a route reflector, so
 *   the CLUSTER_LIST check of RFC 4456 §8 has no cluster id to look for.
 * - Edge PE: nothing learned from a peer is advertised to another.
 * - MAC mobility (RFC 7432 §15): a local MAC that the Loc-RIB holds from a
 *   remote route is originated with that sequence number + 1; when a peer
 *   advertises a higher sequence number for a MAC we originate, ours is
 *   withdrawn (§15.1). The `dupMaxMoves`th move of one MAC within
 *   `dupWindow` seconds marks it duplicate and freezes it (FRR's defaults:
 *   5 moves in 180 s) until clearDuplicate().
 * - Graceful restart (RFC 4724 §4.2): on a graceful down the peer's routes
 *   stay, marked stale; End-of-RIB from the peer or the restart time running
 *   out removes the routes still stale.
 *
 * Left out: multi-homing (ESI, aliasing, split horizon; types 1 and 4 only
 * stored), type 5 routing, route-target constraint, the IGP metric step.
 * The RD registry only grows: RDs are few (one per peer per EVI).
 */

import type { UpdateMessage, WireError } from '../../bgp/wire/types.js';
import { AsPathSegmentType } from '../../bgp/wire/types.js';
import { endOfRib, endOfRibFamily } from '../../bgp/wire/message.js';
import type { Evi, EviConfig } from '../evi.js';
import { EviTable } from '../evi.js';
import type { TextResult } from '../rd.js';
import { EVPN_FAMILY, decodeEvpnNlri } from '../nlri.js';
import { sameFamily } from '../../bgp/fsm/open.js';
import { TunnelType, buildEvpnCommunities, readEvpnCommunities } from '../ext-communities.js';
import { evpnRouteKey } from '../format.js';
import { formatIp, readIpv6 } from '../addr.js';
import { floodTarget } from '../flood.js';
import { ingressReplicationPmsi } from '../pmsi.js';
import { ESI_ZERO } from '../types.js';
import type { EvpnRoute, ImetRoute, IpAddress, MacIpRoute } from '../types.js';
import { OpenTable } from './table.js';
import {
  AttrSet,
  FloodDest,
  INELIGIBLE,
  MacDest,
  OtherPath,
  PeerState,
  STALE,
  Type2Path,
  candidates,
  ipOfPath,
  macHigh,
  macKeying,
  macLow,
  macOf,
  pathIp,
  type2Keying,
} from './model.js';
import type { PeerInfo } from './model.js';
import { compareOther, compareType2 } from './best-path.js';
import type { OutGroup, PeerKind } from './updates.js';
import { announcements, withdrawals } from './updates.js';

export type { PeerInfo } from './model.js';

// ---------------------------------------------------------------- public types

/** The best type-2 route of one (MAC, EVI), as the VTEP side needs it. */
export interface MacBest {
  mac: number;
  /** The IP of the best route when it is a MAC+IP route. */
  ip?: IpAddress;
  /** BGP next hop: the remote VTEP (or, for our own route, our VTEP). */
  nextHop?: IpAddress;
  /** Label 1: the VNI the remote side uses (RFC 8365 §5.1.3). */
  vni: number;
  rd: string;
  esi: string;
  seq: number;
  sticky: boolean;
  /** Our own route: the MAC is local, no remote row for it. */
  local: boolean;
  /** Address of the peer it came from; undefined for ours. */
  peer?: string;
}

/** The best type-3 route of one (originator, EVI): a flood-list member. */
export interface FloodBest {
  originator: IpAddress;
  /** Where to flood and with which VNI (flood.ts). */
  endpoint: IpAddress;
  vni: number;
  nextHop?: IpAddress;
  /** PMSI tunnel type; undefined without the attribute. */
  tunnelType?: number;
  peer: string;
}

export type DeltaOp = 'added' | 'changed' | 'removed';

export type RibDelta =
  | { type: 2; op: DeltaOp; vni: number; mac: number; best?: MacBest }
  | { type: 3; op: DeltaOp; vni: number; originator: string; best?: FloodBest };

export type RibEvent =
  | { kind: 'route-discarded'; peer: string; code: string; message: string; routeType: number }
  | { kind: 'treat-as-withdraw'; peer: string; routes: number; codes: string[] }
  | { kind: 'loop-dropped'; peer: string; reason: 'originator-id' | 'as-path'; routes: number }
  | { kind: 'max-prefixes'; peer: string; count: number; limit: number }
  | { kind: 'mac-moved'; vni: number; mac: number; seq: number; from?: string; to?: string }
  | { kind: 'duplicate-mac'; vni: number; mac: number; moves: number; window: number }
  | { kind: 'local-mac-withdrawn'; vni: number; mac: number; seq: number; peer?: string }
  | { kind: 'stale-removed'; peer: string; routes: number; reason: 'end-of-rib' | 'restart-time' | 'no-graceful-restart' };

/** What the VTEP side and the log consume: one delta batch per event, plus events worth a log line. */
export interface RibListener {
  deltas(batch: readonly RibDelta[]): void;
  event(e: RibEvent): void;
}

export type ReceiveResult =
  | { ok: true; announced: number; withdrawn: number; discarded: number; endOfRib: boolean; maxPrefixesExceeded: boolean }
  | { ok: false; error: WireError };

export interface RibOptions {
  routerId: number;
  localAs: number;
  /** Duplicate detection (FRR `dup-addr-detection max-moves 5 time 180`). */
  dupMaxMoves?: number;
  dupWindow?: number;
  listener?: RibListener;
}

export interface LocalMac {
  mac: number;
  vni: number;
  ip?: IpAddress;
  /** Our VTEP address toward this MAC (the locator's dst_ip). */
  nextHop: IpAddress;
}

export interface RibStats {
  routesReceived: number;
  routesWithdrawn: number;
  routesDiscarded: number;
  treatAsWithdraw: number;
  loopDropped: number;
  /** Routes without the encapsulation community, taken as VXLAN (DESIGN.md §2). */
  noEncapsulation: number;
  /** Routes with a non-VXLAN encapsulation: kept, not imported. */
  foreignEncapsulation: number;
  macMoves: number;
  duplicateMacs: number;
  localWithdrawnByMobility: number;
  staleRemoved: number;
}

/** For views (view.ts): the parts of a path a display needs. */
export interface PathView {
  route: EvpnRoute;
  attrs: AttrSet;
  flags: number;
  stamp: number;
  best: boolean;
  vni?: number;
}

// ---------------------------------------------------------------- internals

interface EviRib {
  evi: Evi;
  macs: OpenTable<MacDest>;
  floods: Map<string, FloodDest>;
}

interface LocalEntry {
  spec: LocalMac;
  seq: number;
  /** Our type-2 paths now in the Loc-RIB and Adj-RIB-Out (MAC-only, MAC+IP). */
  paths: Type2Path[];
}

interface OutEntry {
  route: EvpnRoute;
  attrs: AttrSet;
}

const NO_LABEL = -1;

function noop(): void {}
const SILENT: RibListener = { deltas: noop, event: noop };

export class EvpnRib {
  readonly evis: EviTable;
  readonly stats: RibStats = {
    routesReceived: 0,
    routesWithdrawn: 0,
    routesDiscarded: 0,
    treatAsWithdraw: 0,
    loopDropped: 0,
    noEncapsulation: 0,
    foreignEncapsulation: 0,
    macMoves: 0,
    duplicateMacs: 0,
    localWithdrawnByMobility: 0,
    staleRemoved: 0,
  };
  private readonly routerId: number;
  private readonly localAs: number;
  private readonly dupMaxMoves: number;
  private readonly dupWindow: number;
  private listener: RibListener;

  private readonly peers = new Map<string, PeerState>();
  private readonly ribs = new Map<number, EviRib>();
  private readonly rdIds = new Map<string, number>();
  private readonly rdTexts: string[] = [];
  private readonly probe = new Type2Path(0, 0, 0, 0, undefined, ESI_ZERO, 0, NO_LABEL, undefined as unknown as AttrSet, 0, 0);
  private readonly destProbe = new MacDest(0, 0);

  // Dests touched by the current event and their best before it.
  private readonly touchedMacs = new Map<MacDest, { rib: EviRib; before: Type2Path | undefined }>();
  private readonly touchedFloods = new Map<FloodDest, { rib: EviRib; before: OtherPath | undefined }>();
  private batch: RibDelta[] = [];
  private now = 0;

  // Origination.
  private localVtep: IpAddress | undefined;
  private readonly locals = new Map<number, Map<number, LocalEntry>>();
  private readonly localSets = new Map<string, AttrSet>();
  private readonly out = new Map<string, OutEntry>();
  private readonly imets = new Map<number, ImetRoute>();
  private readonly dirtyOut = new Map<string, OutEntry | EvpnRoute>();

  constructor(opts: RibOptions) {
    this.routerId = opts.routerId >>> 0;
    this.localAs = opts.localAs;
    this.dupMaxMoves = opts.dupMaxMoves ?? 5;
    this.dupWindow = opts.dupWindow ?? 180;
    this.listener = opts.listener ?? SILENT;
    this.evis = new EviTable(this.routerId, this.localAs);
  }

  setListener(l: RibListener): void {
    this.listener = l;
  }

  // ------------------------------------------------------------ EVIs

  /** Adds or replaces an EVI; its Loc-RIB is rebuilt and our routes for it re-originated. */
  setEvi(cfg: EviConfig, now: number): TextResult<Evi> {
    this.now = now;
    const old = this.ribs.get(cfg.vni);
    const r = this.evis.set(cfg);
    if (!r.ok) return r;
    if (old) this.dropEviRib(old);
    const rib: EviRib = { evi: r.value, macs: new OpenTable(macKeying), floods: new Map() };
    this.ribs.set(cfg.vni, rib);
    this.importAll(rib);
    this.reoriginateEvi(rib);
    this.finish();
    return r;
  }

  deleteEvi(vni: number, now: number): boolean {
    this.now = now;
    const rib = this.ribs.get(vni);
    if (!rib) return false;
    this.evis.delete(vni);
    this.ribs.delete(vni);
    this.withdrawEviOrigination(rib);
    this.dropEviRib(rib);
    this.finish();
    return true;
  }

  private dropEviRib(rib: EviRib): void {
    for (const d of rib.macs.values()) {
      if (d.best) this.batch.push({ type: 2, op: 'removed', vni: rib.evi.vni, mac: macOf(d) });
    }
    for (const f of rib.floods.values()) {
      if (f.best) this.batch.push({ type: 3, op: 'removed', vni: rib.evi.vni, originator: f.originator });
    }
  }

  /** A new or changed EVI imports what the Adj-RIBs-In already hold (a config event, so a scan is fine). */
  private importAll(rib: EviRib): void {
    for (const peer of this.peers.values()) {
      for (const p of peer.type2.values()) {
        if (!(p.flags & INELIGIBLE) && this.importing(p.attrs).includes(rib.evi)) this.addMacPath(rib, p);
      }
      for (const o of peer.others.values()) {
        if (o.route.type === 3 && !(o.flags & INELIGIBLE) && this.importing(o.attrs).includes(rib.evi)) this.addFloodPath(rib, o);
      }
    }
  }

  // ------------------------------------------------------------ peers

  /** Session established (RFC 4271 §8 Established). Routes kept stale from a graceful down stay until End-of-RIB. */
  peerUp(info: PeerInfo, now: number): void {
    this.now = now;
    let peer = this.peers.get(info.address);
    if (!peer) {
      peer = new PeerState(info, new OpenTable(type2Keying));
      this.peers.set(info.address, peer);
    } else {
      peer.info = info;
      peer.ibgp = info.remoteAs === info.localAs;
    }
    peer.up = true;
    peer.synced = false;
    // RFC 4724 §4.2: back without the capability for the family → stale routes go now.
    if (info.gracefulRestartTime === undefined && peer.staleCount > 0) this.purgeStale(peer, 'no-graceful-restart');
    this.finish();
  }

  /**
   * Session down. With `graceful` (the peer advertised graceful restart, and the session
   * ended without a NOTIFICATION or per RFC 8538) its routes are kept stale for its restart
   * time; otherwise they are removed.
   */
  peerDown(address: string, graceful: boolean, now: number): void {
    this.now = now;
    const peer = this.peers.get(address);
    if (!peer) return;
    peer.up = false;
    peer.synced = false;
    const restart = peer.info.gracefulRestartTime;
    if (graceful && restart !== undefined) {
      for (const p of peer.type2.values()) this.markStale(peer, p);
      for (const o of peer.others.values()) this.markStale(peer, o);
      peer.staleDeadline = now + restart;
    } else {
      this.removeAllRoutes(peer);
    }
    this.finish();
  }

  /** A peer taken out of the configuration. */
  removePeer(address: string, now: number): void {
    this.now = now;
    const peer = this.peers.get(address);
    if (!peer) return;
    this.removeAllRoutes(peer);
    this.peers.delete(address);
    this.finish();
  }

  /** Clock tick: removes still-stale routes whose restart time ran out. */
  tick(now: number): void {
    this.now = now;
    for (const peer of this.peers.values()) {
      if (peer.staleDeadline !== undefined && peer.staleDeadline <= now) this.purgeStale(peer, 'restart-time');
    }
    this.finish();
  }

  /** The earliest time tick() has work to do, for the driver's timer. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const peer of this.peers.values()) {
      if (peer.staleDeadline !== undefined && (next === undefined || peer.staleDeadline < next)) next = peer.staleDeadline;
    }
    return next;
  }

  /** Routes in the peer's Adj-RIB-In (for max_prefixes and display). */
  prefixCount(address: string): number {
    return this.peers.get(address)?.prefixes ?? 0;
  }

  private markStale(peer: PeerState, p: Type2Path | OtherPath): void {
    if (p.flags & STALE) return;
    p.flags |= STALE;
    peer.staleCount++;
  }

  private purgeStale(peer: PeerState, reason: 'end-of-rib' | 'restart-time' | 'no-graceful-restart'): void {
    peer.staleDeadline = undefined;
    if (peer.staleCount === 0) return;
    let n = 0;
    for (const p of peer.type2.values()) {
      if (p.flags & STALE) {
        this.removeType2(peer, p);
        n++;
      }
    }
    for (const o of peer.others.values()) {
      if (o.flags & STALE) {
        this.removeOther(peer, o);
        n++;
      }
    }
    peer.staleCount = 0;
    this.stats.staleRemoved += n;
    this.listener.event({ kind: 'stale-removed', peer: peer.info.address, routes: n, reason });
  }

  private removeAllRoutes(peer: PeerState): void {
    for (const p of peer.type2.values()) this.removeType2(peer, p);
    for (const o of peer.others.values()) this.removeOther(peer, o);
    peer.staleCount = 0;
    peer.staleDeadline = undefined;
  }

  // ------------------------------------------------------------ receive

  /**
   * One UPDATE from `address`, as decoded by the BGP codec, with its non-fatal errors.
   * A framing error in the EVPN NLRI comes back for a session reset (RFC 7606 §5.3).
   */
  receiveUpdate(address: string, update: UpdateMessage, errors: readonly WireError[], now: number): ReceiveResult {
    this.now = now;
    const peer = this.peers.get(address);
    if (!peer || !peer.up) throw new Error(`RIB: UPDATE for peer ${address} which is not up`);
    const eor = endOfRibFamily(update);
    if (eor && sameFamily(eor, EVPN_FAMILY)) {
      this.purgeStale(peer, 'end-of-rib');
      this.finish();
      return { ok: true, announced: 0, withdrawn: 0, discarded: 0, endOfRib: true, maxPrefixesExceeded: false };
    }
    const a = update.attributes;
    let withdrawn = 0;
    let announced = 0;
    let discarded = 0;
    const unreach = a.mpUnreach && sameFamily(a.mpUnreach, EVPN_FAMILY) ? decodeEvpnNlri(a.mpUnreach.nlri) : undefined;
    if (unreach && 'fatal' in unreach) return { ok: false, error: unreach.fatal };
    const reach = a.mpReach && sameFamily(a.mpReach, EVPN_FAMILY) ? decodeEvpnNlri(a.mpReach.nlri) : undefined;
    if (reach && 'fatal' in reach) return { ok: false, error: reach.fatal };

    if (unreach) {
      discarded += this.reportDiscards(peer, unreach.errors);
      for (const r of unreach.routes) if (this.withdrawRoute(peer, r)) withdrawn++;
    }
    if (reach && reach.routes.length > 0) {
      discarded += this.reportDiscards(peer, reach.errors);
      const taw = errors.filter((e) => e.action === 'treat-as-withdraw');
      const set = this.intern(peer, update, taw.length > 0);
      if (set.loop) {
        // RFC 4456 §8 / RFC 4271 §9.1.2: ignored; an earlier copy under the same key goes.
        for (const r of reach.routes) this.withdrawRoute(peer, r);
        this.stats.loopDropped += reach.routes.length;
        this.listener.event({ kind: 'loop-dropped', peer: address, reason: set.loop, routes: reach.routes.length });
        this.release(set);
      } else {
        const flags = taw.length > 0 || set.nextHop === undefined ? INELIGIBLE : 0;
        if (taw.length > 0) {
          this.stats.treatAsWithdraw += reach.routes.length;
          this.listener.event({ kind: 'treat-as-withdraw', peer: address, routes: reach.routes.length, codes: taw.map((e) => e.code) });
        }
        if (set.communities.encapsulation === undefined) this.stats.noEncapsulation += reach.routes.length;
        else if (set.communities.encapsulation !== TunnelType.VXLAN) this.stats.foreignEncapsulation += reach.routes.length;
        for (const r of reach.routes) {
          if (r.type === 2) this.announceType2(peer, r, set, flags, now);
          else this.announceOther(peer, r, set, flags, now);
          announced++;
        }
        this.release(set);
      }
    } else if (reach) {
      discarded += this.reportDiscards(peer, reach.errors);
    }
    this.stats.routesReceived += announced;
    this.stats.routesWithdrawn += withdrawn;
    const limit = peer.info.maxPrefixes;
    const exceeded = limit !== undefined && peer.prefixes > limit;
    if (exceeded) this.listener.event({ kind: 'max-prefixes', peer: address, count: peer.prefixes, limit });
    this.finish();
    return { ok: true, announced, withdrawn, discarded, endOfRib: false, maxPrefixesExceeded: exceeded };
  }

  private reportDiscards(peer: PeerState, errs: ReadonlyArray<{ code: string; message: string; routeType: number }>): number {
    for (const e of errs) this.listener.event({ kind: 'route-discarded', peer: peer.info.address, code: e.code, message: e.message, routeType: e.routeType });
    this.stats.routesDiscarded += errs.length;
    return errs.length;
  }

  /** The peer's shared attribute set for this UPDATE (interned by content). Holds one reference; release() it after use. */
  private intern(peer: PeerState, u: UpdateMessage, ineligible: boolean): AttrSet {
    const a = u.attributes;
    const nh = a.mpReach?.nextHop;
    const ext = a.extCommunities;
    const pmsi = a.pmsiTunnel;
    // RFC 4271 §5.1.5: LOCAL_PREF from an external peer is ignored; best path then uses the default.
    const localPref = peer.ibgp ? a.localPref : undefined;
    let asText = '';
    for (const s of a.asPath ?? []) asText += `${s.type}:${s.asns.join(',')};`;
    const key =
      `${a.origin ?? ''}|${asText}|${a.med ?? ''}|${localPref ?? ''}|${a.originatorId ?? ''}|${a.clusterList?.join(',') ?? ''}|` +
      `${nh ? nh.toString('hex') : ''}|${ext ? ext.toString('hex') : ''}|` +
      `${pmsi ? `${pmsi.flags},${pmsi.tunnelType},${pmsi.label},${pmsi.tunnelId.toString('hex')}` : ''}|${ineligible ? 1 : 0}`;
    let set = peer.attrSets.get(key);
    if (!set) {
      let len = 0;
      let neighborAs = 0;
      let ownAs = false;
      for (const s of a.asPath ?? []) {
        // RFC 4271 §9.1.2.2 (a): an AS_SET counts 1; RFC 5065 §5.3: confederation segments 0.
        if (s.type === AsPathSegmentType.AS_SEQUENCE) {
          if (neighborAs === 0 && s.asns.length > 0 && len === 0) neighborAs = s.asns[0];
          len += s.asns.length;
        } else if (s.type === AsPathSegmentType.AS_SET) len += 1;
        if (s.asns.includes(this.localAs)) ownAs = true;
      }
      const copy = ext ? Buffer.from(ext) : undefined;
      set = new AttrSet(
        peer,
        key,
        a.origin ?? 2,
        a.asPath ?? [],
        len,
        neighborAs,
        a.med,
        localPref,
        a.originatorId,
        a.clusterList?.length ?? 0,
        nextHopOf(nh),
        copy,
        readEvpnCommunities(copy),
        pmsi ? { ...pmsi, tunnelId: Buffer.from(pmsi.tunnelId) } : undefined,
      );
      if (a.originatorId !== undefined && a.originatorId >>> 0 === this.routerId) set.loop = 'originator-id';
      else if (ownAs && !peer.ibgp) set.loop = 'as-path';
      peer.attrSets.set(key, set);
    }
    set.refs++;
    return set;
  }

  private release(set: AttrSet): void {
    if (--set.refs === 0) {
      if (set.peer) set.peer.attrSets.delete(set.key);
      else this.localSets.delete(set.key);
    }
  }

  private rdId(rd: string): number {
    let id = this.rdIds.get(rd);
    if (id === undefined) {
      id = this.rdTexts.length;
      this.rdTexts.push(rd);
      this.rdIds.set(rd, id);
    }
    return id;
  }

  /** The EVIs importing routes with this attribute set; routes with a non-VXLAN encapsulation go nowhere. */
  private importing(set: AttrSet): Evi[] {
    if (set.eviGeneration !== this.evis.generation) {
      const enc = set.communities.encapsulation;
      set.evis = enc !== undefined && enc !== TunnelType.VXLAN ? [] : this.evis.importing(set.communities.routeTargets);
      set.eviGeneration = this.evis.generation;
    }
    return set.evis;
  }

  private fillProbe(r: MacIpRoute): Type2Path {
    const p = this.probe;
    p.rdId = this.rdId(r.rd);
    p.ethTag = r.ethTag;
    p.macHi = macHigh(r.mac);
    p.macLo = macLow(r.mac);
    p.ip = pathIp(r.ip);
    return p;
  }

  private announceType2(peer: PeerState, r: MacIpRoute, set: AttrSet, flags: number, now: number): void {
    const probe = this.fillProbe(r);
    const old = peer.type2.get(probe);
    const label2 = r.label2 ?? NO_LABEL;
    if (old && old.attrs === set && old.label1 === r.label1 && old.label2 === label2 && old.esi === r.esi && (old.flags & INELIGIBLE) === flags) {
      // Same route again (e.g. after a graceful restart): only the stale mark goes.
      if (old.flags & STALE) {
        old.flags &= ~STALE;
        peer.staleCount--;
      }
      return;
    }
    // A single-homed route's ESI is the shared ESI_ZERO (readEsi), not a string of its own.
    const p = new Type2Path(probe.rdId, r.ethTag, probe.macHi, probe.macLo, probe.ip, r.esi, r.label1, label2, set, flags, now);
    set.refs++;
    peer.type2.set(p);
    if (old) this.forget(peer, old);
    else peer.prefixes++;
    if (!(flags & INELIGIBLE)) for (const evi of this.importing(set)) this.addMacPath(this.ribs.get(evi.vni)!, p);
  }

  private announceOther(peer: PeerState, r: EvpnRoute, set: AttrSet, flags: number, now: number): void {
    const key = evpnRouteKey(r);
    const old = peer.others.get(key);
    const o = new OtherPath(key, r, set, flags, now);
    set.refs++;
    peer.others.set(key, o);
    if (old) this.forget(peer, old);
    else peer.prefixes++;
    if (r.type === 3 && !(flags & INELIGIBLE)) for (const evi of this.importing(set)) this.addFloodPath(this.ribs.get(evi.vni)!, o);
  }

  private withdrawRoute(peer: PeerState, r: EvpnRoute): boolean {
    if (r.type === 2) {
      const p = peer.type2.get(this.fillProbe(r));
      if (!p) return false;
      this.removeType2(peer, p);
      return true;
    }
    const o = peer.others.get(evpnRouteKey(r));
    if (!o) return false;
    this.removeOther(peer, o);
    return true;
  }

  private removeType2(peer: PeerState, p: Type2Path): void {
    peer.type2.delete(p);
    peer.prefixes--;
    this.forget(peer, p);
  }

  private removeOther(peer: PeerState, o: OtherPath): void {
    peer.others.delete(o.key);
    peer.prefixes--;
    this.forget(peer, o);
  }

  /** A path left the peer's Adj-RIB-In (withdrawn or replaced): its stale mark, its Loc-RIB entries and its attribute reference go. */
  private forget(peer: PeerState, p: Type2Path | OtherPath): void {
    if (p.flags & STALE) peer.staleCount--;
    if (p instanceof Type2Path) this.unimportType2(p);
    else this.unimportOther(p);
    this.release(p.attrs);
  }

  private unimportType2(p: Type2Path): void {
    if (p.flags & INELIGIBLE) return;
    for (const evi of this.importing(p.attrs)) {
      const rib = this.ribs.get(evi.vni);
      if (rib) this.removeMacPath(rib, p);
    }
  }

  private unimportOther(o: OtherPath): void {
    if (o.route.type !== 3 || o.flags & INELIGIBLE) return;
    for (const evi of this.importing(o.attrs)) {
      const rib = this.ribs.get(evi.vni);
      if (rib) this.removeFloodPath(rib, o);
    }
  }

  // ------------------------------------------------------------ Loc-RIB

  private touchMac(rib: EviRib, d: MacDest): void {
    if (!this.touchedMacs.has(d)) this.touchedMacs.set(d, { rib, before: d.best });
  }

  /** The Loc-RIB entry of a MAC in one EVI, looked up with the reused probe (no allocation per lookup). */
  private macDest(rib: EviRib, macHi: number, macLo: number): MacDest | undefined {
    const probe = this.destProbe as { macHi: number; macLo: number };
    probe.macHi = macHi;
    probe.macLo = macLo;
    return rib.macs.get(this.destProbe);
  }

  private addMacPath(rib: EviRib, p: Type2Path): void {
    let d = this.macDest(rib, p.macHi, p.macLo);
    if (!d) {
      d = new MacDest(p.macHi, p.macLo);
      rib.macs.set(d);
    }
    this.touchMac(rib, d);
    const cur = d.paths;
    if (cur === undefined) d.paths = p;
    else if (Array.isArray(cur)) cur.push(p);
    else d.paths = [cur, p];
  }

  private removeMacPath(rib: EviRib, p: Type2Path): void {
    const d = this.macDest(rib, p.macHi, p.macLo);
    if (!d) return;
    const cur = d.paths;
    if (cur === p) d.paths = undefined;
    else if (Array.isArray(cur)) {
      const i = cur.indexOf(p);
      if (i < 0) return;
      cur.splice(i, 1);
      if (cur.length === 1) d.paths = cur[0];
    } else return;
    this.touchMac(rib, d);
  }

  private addFloodPath(rib: EviRib, o: OtherPath): void {
    const key = formatIp((o.route as ImetRoute).originator);
    let f = rib.floods.get(key);
    if (!f) rib.floods.set(key, (f = new FloodDest(key)));
    if (!this.touchedFloods.has(f)) this.touchedFloods.set(f, { rib, before: f.best });
    f.paths.push(o);
  }

  private removeFloodPath(rib: EviRib, o: OtherPath): void {
    const f = rib.floods.get(formatIp((o.route as ImetRoute).originator));
    if (!f) return;
    const i = f.paths.indexOf(o);
    if (i < 0) return;
    if (!this.touchedFloods.has(f)) this.touchedFloods.set(f, { rib, before: f.best });
    f.paths.splice(i, 1);
  }

  /** End of an event: best paths of the touched dests, mobility, deltas to the listener. */
  private finish(): void {
    // Mobility may withdraw our routes, which touches dests again: loop until quiet.
    while (this.touchedMacs.size > 0) {
      const touched = [...this.touchedMacs];
      this.touchedMacs.clear();
      for (const [d, { rib, before }] of touched) this.settleMac(rib, d, before);
    }
    for (const [f, { rib, before }] of this.touchedFloods) this.settleFlood(rib, f, before);
    this.touchedFloods.clear();
    if (this.batch.length > 0) {
      const b = this.batch;
      this.batch = [];
      this.listener.deltas(b);
    }
  }

  private settleMac(rib: EviRib, d: MacDest, before: Type2Path | undefined): void {
    const paths = d.paths;
    let best: Type2Path | undefined;
    if (Array.isArray(paths)) {
      for (const p of paths) if (best === undefined || compareType2(p, best) < 0) best = p;
    } else best = paths;
    const vni = rib.evi.vni;
    const mac = macOf(d);
    const dad = d.dad;
    const stillThere = before !== undefined && (paths === before || (Array.isArray(paths) && paths.includes(before)));
    // A frozen (duplicate) MAC keeps its best while that route exists.
    if (dad?.frozen && stillThere) {
      d.best = before;
      return;
    }
    if (best !== before && before && best && stillThere && this.isMove(before, best)) {
      if (this.countMove(rib, d, mac, before, best)) {
        d.best = before;
        // Frozen on a peer's route: our newer advertisement of the MAC is held back too.
        const local = before.attrs.peer !== undefined ? this.locals.get(vni)?.get(mac) : undefined;
        if (local && local.paths.length > 0) this.withdrawLocalPaths(rib, local);
        return;
      }
    }
    d.best = best;
    // RFC 7432 §15.1: a peer advertises a higher sequence number for a MAC we
    // originate → the MAC moved away; withdraw ours.
    if (best && best.attrs.peer !== undefined) {
      const local = this.locals.get(vni)?.get(mac);
      if (local && local.paths.length > 0) {
        this.stats.localWithdrawnByMobility++;
        this.listener.event({ kind: 'local-mac-withdrawn', vni, mac, seq: best.attrs.seq, peer: best.attrs.peer.info.address });
        this.withdrawLocalPaths(rib, local);
      }
    }
    if (best === before) return;
    if (!best) {
      if (before) this.batch.push({ type: 2, op: 'removed', vni, mac });
      if (d.paths === undefined && d.dad === undefined) rib.macs.delete(d);
      return;
    }
    this.batch.push({ type: 2, op: before ? 'changed' : 'added', vni, mac, best: this.macBest(best, mac) });
  }

  /** A move: the best changes to another VTEP with a higher sequence number (FRR counts these for duplicate detection). */
  private isMove(a: Type2Path, b: Type2Path): boolean {
    if (b.attrs.seq <= a.attrs.seq) return false;
    const na = a.attrs.nextHop;
    const nb = b.attrs.nextHop;
    // IPv6 addresses are canonical text, so equal addresses have equal fields.
    return a.attrs.peer !== b.attrs.peer || na === undefined || nb === undefined || na.v !== nb.v || na.addr !== nb.addr;
  }

  /** Counts a move; true when it makes the MAC a duplicate (frozen before the move). */
  private countMove(rib: EviRib, d: MacDest, mac: number, from: Type2Path, to: Type2Path): boolean {
    const now = this.now;
    this.stats.macMoves++;
    this.listener.event({
      kind: 'mac-moved',
      vni: rib.evi.vni,
      mac,
      seq: to.attrs.seq,
      from: from.attrs.peer?.info.address,
      to: to.attrs.peer?.info.address,
    });
    let dad = d.dad;
    if (!dad || now - dad.since >= this.dupWindow) dad = d.dad = { moves: 0, since: now, frozen: false };
    dad.moves++;
    if (dad.moves < this.dupMaxMoves) return false;
    dad.frozen = true;
    this.stats.duplicateMacs++;
    this.listener.event({ kind: 'duplicate-mac', vni: rib.evi.vni, mac, moves: dad.moves, window: this.dupWindow });
    return true;
  }

  private settleFlood(rib: EviRib, f: FloodDest, before: OtherPath | undefined): void {
    let best: OtherPath | undefined;
    for (const o of f.paths) if (best === undefined || compareOther(o, best) < 0) best = o;
    f.best = best;
    if (best === before) return;
    const vni = rib.evi.vni;
    if (!best) {
      this.batch.push({ type: 3, op: 'removed', vni, originator: f.originator });
      rib.floods.delete(f.originator);
      return;
    }
    this.batch.push({ type: 3, op: before ? 'changed' : 'added', vni, originator: f.originator, best: floodBest(best, vni) });
  }

  private macBest(p: Type2Path, mac: number): MacBest {
    const b: MacBest = {
      mac,
      vni: p.label1,
      rd: this.rdTexts[p.rdId],
      esi: p.esi,
      seq: p.attrs.seq,
      sticky: p.attrs.sticky,
      local: p.attrs.peer === undefined,
    };
    const ip = ipOfPath(p.ip);
    if (ip) b.ip = ip;
    if (p.attrs.nextHop) b.nextHop = p.attrs.nextHop;
    if (p.attrs.peer) b.peer = p.attrs.peer.info.address;
    return b;
  }

  /** Lets a MAC marked duplicate change again: its detection state is reset and its best recomputed. */
  clearDuplicate(vni: number, mac: number, now: number): boolean {
    this.now = now;
    const rib = this.ribs.get(vni);
    if (!rib) return false;
    const d = this.macDest(rib, macHigh(mac), macLow(mac));
    if (!d || !d.dad?.frozen) return false;
    d.dad = undefined;
    this.touchMac(rib, d);
    const local = this.locals.get(vni)?.get(mac);
    if (local) this.originateMac(rib, local);
    this.finish();
    return true;
  }

  /** Duplicate (frozen) MACs, for display. */
  duplicates(): Array<{ vni: number; mac: number; moves: number; since: number }> {
    const out: Array<{ vni: number; mac: number; moves: number; since: number }> = [];
    for (const rib of this.ribs.values()) {
      for (const d of rib.macs.values()) if (d.dad?.frozen) out.push({ vni: rib.evi.vni, mac: macOf(d), moves: d.dad.moves, since: d.dad.since });
    }
    return out;
  }

  // ------------------------------------------------------------ origination

  /** Our VTEP address: originator, next hop and PMSI tunnel id of our type-3 routes (DESIGN.md §2). */
  setLocalVtep(ip: IpAddress | undefined, now: number): void {
    this.now = now;
    this.localVtep = ip;
    for (const rib of this.ribs.values()) this.originateImet(rib);
    this.finish();
  }

  /**
   * A MAC learned on the switch (`Ucast_Macs_Local`). Originates a MAC-only type-2 route
   * and, with an IP, a MAC+IP one. When the Loc-RIB holds the MAC from a peer, our
   * sequence number is that route's + 1 (RFC 7432 §15.1).
   */
  addLocalMac(m: LocalMac, now: number): void {
    this.now = now;
    let byMac = this.locals.get(m.vni);
    if (!byMac) this.locals.set(m.vni, (byMac = new Map()));
    let e = byMac.get(m.mac);
    if (!e) byMac.set(m.mac, (e = { spec: m, seq: 0, paths: [] }));
    else e.spec = m;
    const rib = this.ribs.get(m.vni);
    if (rib) this.originateMac(rib, e);
    this.finish();
  }

  removeLocalMac(vni: number, mac: number, now: number): void {
    this.now = now;
    const byMac = this.locals.get(vni);
    const e = byMac?.get(mac);
    if (!byMac || !e) return;
    byMac.delete(mac);
    if (byMac.size === 0) this.locals.delete(vni);
    const rib = this.ribs.get(vni);
    if (rib) this.withdrawLocalPaths(rib, e);
    this.finish();
  }

  private localSet(evi: Evi, nextHop: IpAddress, seq: number, type: 2 | 3): AttrSet {
    const key = `${evi.vni}|${type}|${formatIp(nextHop)}|${seq}|${evi.exportRts.join(',')}`;
    let set = this.localSets.get(key);
    if (!set) {
      const ext = buildEvpnCommunities({
        routeTargets: evi.exportRts,
        encapsulation: TunnelType.VXLAN,
        // RFC 7432 §7.7: sequence 0 goes without the community.
        macMobility: seq > 0 ? { seq, sticky: false } : undefined,
      });
      const pmsi = type === 3 ? ingressReplicationPmsi(evi.vni, nextHop) : undefined;
      set = new AttrSet(undefined, key, 0, [], 0, 0, undefined, undefined, undefined, 0, nextHop, ext, readEvpnCommunities(ext), pmsi);
      this.localSets.set(key, set);
    }
    return set;
  }

  private originateMac(rib: EviRib, e: LocalEntry): void {
    const { spec } = e;
    const evi = rib.evi;
    const hi = macHigh(spec.mac);
    const lo = macLow(spec.mac);
    const d = this.macDest(rib, hi, lo);
    if (d?.dad?.frozen) return;
    // RFC 7432 §15.1: above every sequence number a peer advertises for the MAC.
    let seq = e.paths.length > 0 ? e.seq : 0;
    if (d) {
      for (const p of candidates(d)) {
        if (p.attrs.peer !== undefined && p.attrs.seq + 1 > seq) seq = p.attrs.seq + 1;
      }
    }
    e.seq = seq;
    this.withdrawLocalPaths(rib, e);
    const set = this.localSet(evi, spec.nextHop, seq, 2);
    const rdId = this.rdId(evi.rd);
    const routes: MacIpRoute[] = [{ type: 2, rd: evi.rd, esi: ESI_ZERO, ethTag: 0, mac: spec.mac, label1: evi.vni }];
    if (spec.ip) routes.push({ type: 2, rd: evi.rd, esi: ESI_ZERO, ethTag: 0, mac: spec.mac, ip: spec.ip, label1: evi.vni });
    for (const r of routes) {
      const p = new Type2Path(rdId, 0, hi, lo, pathIp(r.ip), ESI_ZERO, evi.vni, NO_LABEL, set, 0, this.now);
      set.refs++;
      e.paths.push(p);
      this.addMacPath(rib, p);
      this.advertise(r, set);
    }
  }

  /**
   * Takes our paths out of the Loc-RIB and the Adj-RIB-Out. When they are
   * re-originated in the same event, the pending withdrawal of an unchanged
   * NLRI is replaced by its announcement (dirtyOut is keyed by route).
   */
  private withdrawLocalPaths(rib: EviRib, e: LocalEntry): void {
    for (const p of e.paths) {
      this.removeMacPath(rib, p);
      this.unadvertise(this.routeOf(p));
      this.release(p.attrs);
    }
    e.paths = [];
  }

  /** Our one type-3 route per EVI (RFC 7432 §11.1), re-originated when the VTEP address changes. */
  private originateImet(rib: EviRib): void {
    const evi = rib.evi;
    const old = this.imets.get(evi.vni);
    if (old) {
      this.unadvertise(old);
      this.imets.delete(evi.vni);
    }
    const vtep = this.localVtep;
    if (!vtep) return;
    const route: ImetRoute = { type: 3, rd: evi.rd, ethTag: 0, originator: vtep };
    this.imets.set(evi.vni, route);
    this.advertise(route, this.localSet(evi, vtep, 0, 3));
  }

  private reoriginateEvi(rib: EviRib): void {
    this.withdrawEviOrigination(rib);
    this.originateImet(rib);
    const byMac = this.locals.get(rib.evi.vni);
    if (byMac) for (const e of byMac.values()) this.originateMac(rib, e);
  }

  /** Withdraws every route we originated for the EVI (the Loc-RIB holding our paths is dropped by the caller). */
  private withdrawEviOrigination(rib: EviRib): void {
    const vni = rib.evi.vni;
    this.imets.delete(vni);
    for (const [key, o] of this.out) {
      if (o.attrs.key.startsWith(`${vni}|`)) {
        this.out.delete(key);
        this.dirtyOut.set(key, o.route);
        this.release(o.attrs);
      }
    }
    const byMac = this.locals.get(vni);
    if (byMac) {
      for (const e of byMac.values()) {
        for (const p of e.paths) this.release(p.attrs);
        e.paths = [];
      }
    }
  }

  private advertise(route: EvpnRoute, attrs: AttrSet): void {
    const key = evpnRouteKey(route);
    const old = this.out.get(key);
    if (old) this.release(old.attrs);
    attrs.refs++;
    const entry = { route, attrs };
    this.out.set(key, entry);
    this.dirtyOut.set(key, entry);
  }

  private unadvertise(route: EvpnRoute): void {
    const key = evpnRouteKey(route);
    const old = this.out.get(key);
    if (!old) return;
    this.out.delete(key);
    this.release(old.attrs);
    this.dirtyOut.set(key, old.route);
  }

  private groups(entries: Iterable<OutEntry>): OutGroup[] {
    const by = new Map<AttrSet, EvpnRoute[]>();
    for (const e of entries) {
      const g = by.get(e.attrs);
      if (g) g.push(e.route);
      else by.set(e.attrs, [e.route]);
    }
    return [...by].map(([attrs, routes]) => ({ attrs, routes }));
  }

  private kind(peer: PeerState): PeerKind {
    return { ibgp: peer.ibgp, localAs: peer.info.localAs };
  }

  /**
   * The whole Adj-RIB-Out for a peer that just came up, then End-of-RIB (RFC 4724 §4.1).
   * From then on the peer gets the changes from flushOutgoing().
   */
  initialTable(address: string): UpdateMessage[] {
    const peer = this.peers.get(address);
    if (!peer || !peer.up) return [];
    peer.synced = true;
    return [...announcements(this.groups(this.out.values()), this.kind(peer)), endOfRib(EVPN_FAMILY)];
  }

  /** ROUTE-REFRESH from the peer (RFC 2918 §4): the whole Adj-RIB-Out again. */
  routeRefresh(address: string): UpdateMessage[] {
    const peer = this.peers.get(address);
    if (!peer || !peer.up || !peer.synced) return [];
    return announcements(this.groups(this.out.values()), this.kind(peer));
  }

  /**
   * The Adj-RIB-Out changes since the last call, as UPDATEs per synced peer
   * (withdrawals first). Call after each event.
   */
  flushOutgoing(): Array<{ peer: string; updates: UpdateMessage[] }> {
    if (this.dirtyOut.size === 0) return [];
    const announced: OutEntry[] = [];
    const withdrawn: EvpnRoute[] = [];
    for (const v of this.dirtyOut.values()) {
      if ('attrs' in v) announced.push(v);
      else withdrawn.push(v);
    }
    this.dirtyOut.clear();
    const groups = this.groups(announced);
    const w = withdrawals(withdrawn);
    const byKind = new Map<string, UpdateMessage[]>();
    const out: Array<{ peer: string; updates: UpdateMessage[] }> = [];
    for (const peer of this.peers.values()) {
      if (!peer.up || !peer.synced) continue;
      const k = this.kind(peer);
      const kk = `${k.ibgp}|${k.localAs}`;
      let updates = byKind.get(kk);
      if (!updates) byKind.set(kk, (updates = [...w, ...announcements(groups, k)]));
      if (updates.length > 0) out.push({ peer: peer.info.address, updates });
    }
    return out;
  }

  // ------------------------------------------------------------ views

  /** Paths in a peer's Adj-RIB-In. */
  adjRibIn(address: string): PathView[] {
    const peer = this.peers.get(address);
    if (!peer) return [];
    const out: PathView[] = [];
    for (const p of peer.type2.values()) out.push(this.type2View(p, this.isBestAnywhere(p)));
    for (const o of peer.others.values()) out.push({ route: o.route, attrs: o.attrs, flags: o.flags, stamp: o.stamp, best: this.isFloodBestAnywhere(o) });
    return out;
  }

  /** Candidates in the Loc-RIB of one EVI (or all), with the best flag. */
  locRib(vni?: number): PathView[] {
    const out: PathView[] = [];
    for (const rib of this.ribs.values()) {
      if (vni !== undefined && rib.evi.vni !== vni) continue;
      for (const d of rib.macs.values()) {
        for (const p of candidates(d)) out.push({ ...this.type2View(p, d.best === p), vni: rib.evi.vni });
      }
      for (const f of rib.floods.values()) {
        for (const o of f.paths) out.push({ route: o.route, attrs: o.attrs, flags: o.flags, stamp: o.stamp, best: f.best === o, vni: rib.evi.vni });
      }
    }
    return out;
  }

  /** Our advertised routes. */
  adjRibOut(): PathView[] {
    const out: PathView[] = [];
    for (const o of this.out.values()) out.push({ route: o.route, attrs: o.attrs, flags: 0, stamp: 0, best: true });
    return out;
  }

  /** Peers the RIB knows, with their counts. */
  peerSummaries(): Array<{ address: string; up: boolean; prefixes: number; stale: number; staleDeadline?: number }> {
    return [...this.peers.values()].map((p) => ({
      address: p.info.address,
      up: p.up,
      prefixes: p.prefixes,
      stale: p.staleCount,
      ...(p.staleDeadline !== undefined ? { staleDeadline: p.staleDeadline } : {}),
    }));
  }

  /** The route a type-2 path holds, rebuilt from its compact fields. */
  private routeOf(p: Type2Path): MacIpRoute {
    const route: MacIpRoute = { type: 2, rd: this.rdTexts[p.rdId], esi: p.esi, ethTag: p.ethTag, mac: macOf(p), label1: p.label1 };
    const ip = ipOfPath(p.ip);
    if (ip) route.ip = ip;
    if (p.label2 !== NO_LABEL) route.label2 = p.label2;
    return route;
  }

  private type2View(p: Type2Path, best: boolean): PathView {
    return { route: this.routeOf(p), attrs: p.attrs, flags: p.flags, stamp: p.stamp, best };
  }

  private isBestAnywhere(p: Type2Path): boolean {
    if (p.flags & INELIGIBLE) return false;
    for (const evi of this.importing(p.attrs)) {
      const rib = this.ribs.get(evi.vni);
      if (rib && this.macDest(rib, p.macHi, p.macLo)?.best === p) return true;
    }
    return false;
  }

  private isFloodBestAnywhere(o: OtherPath): boolean {
    if (o.route.type !== 3 || o.flags & INELIGIBLE) return false;
    for (const evi of this.importing(o.attrs)) {
      if (this.ribs.get(evi.vni)?.floods.get(formatIp(o.route.originator))?.best === o) return true;
    }
    return false;
  }
}

function nextHopOf(nh: Buffer | undefined): IpAddress | undefined {
  if (!nh) return undefined;
  if (nh.length === 4) return { v: 4, addr: nh.readUInt32BE(0) };
  // RFC 4760 §3 / RFC 2545 §3: 16 octets global, or 32 with a link-local after it.
  if (nh.length === 16 || nh.length === 32) return { v: 6, addr: readIpv6(nh, 0) };
  return undefined;
}

function floodBest(o: OtherPath, vni: number): FloodBest {
  const r = o.route as ImetRoute;
  const pmsi = o.attrs.pmsi;
  const target = floodTarget(r, pmsi, vni);
  const b: FloodBest = { originator: r.originator, endpoint: target.endpoint, vni: target.vni, peer: o.attrs.peer?.info.address ?? 'local' };
  if (o.attrs.nextHop) b.nextHop = o.attrs.nextHop;
  if (pmsi) b.tunnelType = pmsi.tunnelType;
  return b;
}
