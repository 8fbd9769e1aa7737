/**
 * In-memory shapes of the EVPN RIB, compact on purpose (a RIB holds millions
 * of type-2 routes):
 * - AttrSet: one shared object per distinct attribute set of one peer
 *   (interned by content, reference counted), with the EVPN extended
 *   communities read once and the import decision cached;
 * - Type2Path: one received (or originated) MAC/IP route, every field a small
 *   integer or a shared reference: MAC split in two 24-bit halves, IPv4 as an
 *   int32, RD as an index into the RIB's RD registry;
 * - OtherPath: types 1, 3, 4, 5 (few per peer), the decoded route kept whole;
 * - MacDest / FloodDest: the Loc-RIB entry per (MAC, EVI) and (originator, EVI).
 */

import type { AsPathSegment, PmsiTunnel } from '../../bgp/wire/types.js';
import type { EvpnCommunities } from '../ext-communities.js';
import type { Evi } from '../evi.js';
import type { EvpnRoute, IpAddress } from '../types.js';
import type { OpenTable, TableKeying } from './table.js';
import { parseIpv4 } from '../../bgp/wire/ipv4.js';
import { mix32 } from './table.js';

export interface PeerInfo {
  /** Peer address as configured (the RIB's name for the peer). */
  address: string;
  remoteAs: number;
  /** Local AS of the session (usually the speaker's). */
  localAs: number;
  /** The peer's BGP Identifier from its OPEN (uint32). */
  routerId: number;
  /** Restart time the peer advertised in its graceful-restart capability (RFC 4724 §3), when it did for l2vpn/evpn. */
  gracefulRestartTime?: number;
  /** Cease/1 limit (RFC 4486): more routes than this in the Adj-RIB-In is reported. */
  maxPrefixes?: number;
}

export class PeerState {
  up = false;
  info: PeerInfo;
  ibgp: boolean;
  /** For the lowest-peer-address tie break: IPv4 as uint32, IPv6 after every IPv4 by text. */
  addrV4: number;
  /** Time (seconds) when still-stale routes are removed, after a graceful down (RFC 4724 §4.2). */
  staleDeadline: number | undefined;
  /** The initial table and End-of-RIB were handed out; later changes go to this peer too. */
  synced = false;
  prefixes = 0;
  staleCount = 0;
  readonly type2: OpenTable<Type2Path>;
  readonly others = new Map<string, OtherPath>();
  readonly attrSets = new Map<string, AttrSet>();

  constructor(info: PeerInfo, table: OpenTable<Type2Path>) {
    this.info = info;
    this.ibgp = info.remoteAs === info.localAs;
    this.addrV4 = parseIpv4(info.address) ?? -1;
    this.type2 = table;
  }
}

export class AttrSet {
  /** Paths referring to this set; at 0 it leaves the peer's intern table. */
  refs = 0;
  /** Import decision cache, valid while `eviGeneration` matches the EVI table's. */
  evis: Evi[] = [];
  eviGeneration = -1;
  /** Set when the routes must be ignored: RFC 4456 §8 (our ORIGINATOR_ID) or RFC 4271 §9.1.2 (our AS in the AS_PATH). */
  loop: 'originator-id' | 'as-path' | undefined = undefined;

  constructor(
    /** undefined for our own routes */
    readonly peer: PeerState | undefined,
    readonly key: string,
    readonly origin: number,
    readonly asPath: readonly AsPathSegment[],
    readonly asPathLength: number,
    /** First AS of the path, for the MED comparison (RFC 4271 §9.1.2.2 c); 0 for an empty path. */
    readonly neighborAs: number,
    readonly med: number | undefined,
    readonly localPref: number | undefined,
    readonly originatorId: number | undefined,
    readonly clusterListLength: number,
    readonly nextHop: IpAddress | undefined,
    readonly ext: Buffer | undefined,
    readonly communities: EvpnCommunities,
    readonly pmsi: PmsiTunnel | undefined,
  ) {}

  get seq(): number {
    return this.communities.macMobility?.seq ?? 0;
  }

  get sticky(): boolean {
    return this.communities.macMobility?.sticky ?? false;
  }
}

/** Path flags. */
export const STALE = 1;
/** Treat-as-withdraw (RFC 7606 §2) or unusable next hop: visible, never best, never exported. */
export const INELIGIBLE = 2;

export class Type2Path {
  constructor(
    public rdId: number,
    public ethTag: number,
    public macHi: number,
    public macLo: number,
    /** IPv4 as int32 (`addr | 0`), IPv6 canonical text, or undefined (MAC-only route). */
    public ip: number | string | undefined,
    public esi: string,
    public label1: number,
    /** -1: none */
    public label2: number,
    public attrs: AttrSet,
    public flags: number,
    /** Receipt time, seconds. */
    public stamp: number,
  ) {}
}

/** Adj-RIB-In / Adj-RIB-Out key of a type-2 route: RD, ethernet tag, MAC, IP (RFC 7432 §7.2 route key plus RD). */
export const type2Keying: TableKeying<Type2Path> = {
  hash(p) {
    const ipHash = typeof p.ip === 'number' ? p.ip : p.ip === undefined ? 0x5bd1e995 : p.ip.length;
    return mix32(mix32(mix32(p.macLo ^ Math.imul(p.rdId, 0x9e3779b1)) ^ p.macHi) ^ ipHash ^ Math.imul(p.ethTag, 0x27d4eb2f));
  },
  same(a, b) {
    return a.macLo === b.macLo && a.macHi === b.macHi && a.rdId === b.rdId && a.ip === b.ip && a.ethTag === b.ethTag;
  },
};

export class OtherPath {
  constructor(
    readonly key: string,
    readonly route: EvpnRoute,
    public attrs: AttrSet,
    public flags: number,
    public stamp: number,
  ) {}
}

/** Duplicate-address detection state of one (MAC, EVI), created at the first move. */
export interface DadState {
  moves: number;
  /** Start of the current detection window, seconds. */
  since: number;
  frozen: boolean;
}

export class MacDest {
  paths: Type2Path | Type2Path[] | undefined = undefined;
  best: Type2Path | undefined = undefined;
  dad: DadState | undefined = undefined;
  constructor(
    readonly macHi: number,
    readonly macLo: number,
  ) {}
}

export const macKeying: TableKeying<MacDest> = {
  hash(d) {
    return mix32(mix32(d.macLo) ^ d.macHi);
  },
  same(a, b) {
    return a.macLo === b.macLo && a.macHi === b.macHi;
  },
};

export class FloodDest {
  paths: OtherPath[] = [];
  best: OtherPath | undefined = undefined;
  constructor(readonly originator: string) {}
}

export function macHigh(mac: number): number {
  return Math.floor(mac / 0x1000000);
}

export function macLow(mac: number): number {
  return mac % 0x1000000;
}

export function macOf(p: { macHi: number; macLo: number }): number {
  return p.macHi * 0x1000000 + p.macLo;
}

export function ipOfPath(ip: number | string | undefined): IpAddress | undefined {
  if (ip === undefined) return undefined;
  return typeof ip === 'number' ? { v: 4, addr: ip >>> 0 } : { v: 6, addr: ip };
}

export function pathIp(ip: IpAddress | undefined): number | string | undefined {
  if (ip === undefined) return undefined;
  return ip.v === 4 ? ip.addr | 0 : ip.addr;
}

export function candidates(d: MacDest): readonly Type2Path[] {
  const p = d.paths;
  return p === undefined ? [] : Array.isArray(p) ? p : [p];
}
