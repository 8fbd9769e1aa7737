/**
 * Extended communities an EVPN speaker reads and writes, over the raw 8n-octet
 * EXTENDED_COMMUNITIES value (RFC 4360 §2):
 * - route targets: 2-octet AS 0x00/0x02 (RFC 4360 §4), IPv4 0x01/0x02
 *   (RFC 4360 §4), 4-octet AS 0x02/0x02 (RFC 5668 §2), as text "A:N"
 *   (see rd.ts for the forms), plus the import-only wildcard "*:N";
 * - encapsulation 0x03/0x0c (RFC 9012 §4.1; tunnel type 8 = VXLAN, RFC 8365 §5.1.3);
 * - MAC mobility 0x06/0x00 (RFC 7432 §7.7): sticky flag, sequence number;
 * - default gateway 0x03/0x0d (RFC 7432 §7.8);
 * - ESI label 0x06/0x01 (RFC 7432 §7.5);
 * - router's MAC 0x06/0x03 (RFC 9135 §8.1).
 * Anything else is counted and left alone, never an error (RFC 4360 §2: an
 * unrecognized type is passed on, not rejected). Pure functions, no I/O.
 */

import type { AdminAssigned, TextResult } from './rd.js';
import { formatMac } from './addr.js';
import { formatAdminAssigned, parseAdminAssigned, readAdminValue, writeAdminValue } from './rd.js';

export const EXT_COMMUNITY_LENGTH = 8;

/** RFC 9012 §3.1 / IANA "BGP Tunnel Encapsulation Attribute Tunnel Types". */
export const TunnelType = { VXLAN: 8, NVGRE: 9, MPLS: 10, MPLS_IN_GRE: 11, VXLAN_GPE: 12, MPLS_IN_UDP: 13, GENEVE: 19 } as const;

export interface MacMobility {
  seq: number;
  sticky: boolean;
}

export interface EsiLabel {
  /** Flags bit 0: single-active redundancy mode (RFC 7432 §7.5). */
  singleActive: boolean;
  label: number;
}

export interface EvpnCommunities {
  /** Canonical "A:N" text of every route target, in the order received. */
  routeTargets: string[];
  /** Tunnel type of the encapsulation community; VXLAN wins when several are present. */
  encapsulation?: number;
  macMobility?: MacMobility;
  defaultGateway: boolean;
  esiLabel?: EsiLabel;
  /** 48-bit MAC as a number. */
  routerMac?: number;
  /** Extended communities of any other type or subtype, kept in the attribute, counted here. */
  unknownCount: number;
}

const RT_SUBTYPE = 0x02;

/** Reads the EVPN-relevant communities of a raw EXTENDED_COMMUNITIES value. Never throws. */
export function readEvpnCommunities(ext: Buffer | undefined): EvpnCommunities {
  const out: EvpnCommunities = { routeTargets: [], defaultGateway: false, unknownCount: 0 };
  if (!ext) return out;
  // The BGP codec guarantees a multiple of 8 (RFC 7606 §7.14); a trailing
  // fragment would be ignored here rather than read past.
  const end = ext.length - (ext.length % EXT_COMMUNITY_LENGTH);
  for (let o = 0; o < end; o += EXT_COMMUNITY_LENGTH) {
    const type = ext[o];
    const sub = ext[o + 1];
    if (sub === RT_SUBTYPE && type <= 0x02) {
      out.routeTargets.push(readAdminValue(type as 0 | 1 | 2, ext, o + 2));
    } else if (type === 0x03 && sub === 0x0c) {
      // RFC 9012 §4.1: 4 reserved octets, then the 2-octet tunnel type.
      const t = ext.readUInt16BE(o + 6);
      if (out.encapsulation === undefined || t === TunnelType.VXLAN) out.encapsulation = t;
    } else if (type === 0x03 && sub === 0x0d) {
      out.defaultGateway = true;
    } else if (type === 0x06 && sub === 0x00) {
      const m = { sticky: (ext[o + 2] & 0x01) !== 0, seq: ext.readUInt32BE(o + 4) };
      // Several MAC mobility communities on one route: keep the lowest
      // sequence number (the conservative reading), sticky if any says so.
      if (!out.macMobility) out.macMobility = m;
      else out.macMobility = { seq: Math.min(out.macMobility.seq, m.seq), sticky: out.macMobility.sticky || m.sticky };
    } else if (type === 0x06 && sub === 0x01) {
      out.esiLabel ??= { singleActive: (ext[o + 2] & 0x01) !== 0, label: ext.readUIntBE(o + 5, 3) };
    } else if (type === 0x06 && sub === 0x03) {
      out.routerMac ??= ext.readUIntBE(o + 2, 6);
    } else {
      out.unknownCount++;
    }
  }
  return out;
}

// ---------------------------------------------------------------- route targets

/** A parsed route target, or the import-only wildcard "*:N" (any AS, number N). */
export type RouteTarget = AdminAssigned | { type: 'wildcard'; assigned: number };

/** Parses "65000:100", "192.0.2.1:5", "4200000000:7", "100L:7" or "*:5000". */
export function parseRouteTarget(text: string): TextResult<RouteTarget> {
  const t = text.trim();
  if (t.startsWith('*:')) {
    const n = t.slice(2);
    if (!/^[0-9]{1,10}$/.test(n) || Number(n) > 0xffffffff) return { ok: false, error: `"${text}": expected *:NUMBER` };
    return { ok: true, value: { type: 'wildcard', assigned: Number(n) } };
  }
  return parseAdminAssigned(t);
}

export function formatRouteTarget(rt: RouteTarget): string {
  return rt.type === 'wildcard' ? `*:${rt.assigned}` : formatAdminAssigned(rt);
}

/** Canonical text of a route target, or an error naming what is wrong. */
export function canonicalRouteTarget(text: string): TextResult<string> {
  const r = parseRouteTarget(text);
  return r.ok ? { ok: true, value: formatRouteTarget(r.value) } : r;
}

/** The 8 octets of a route target (RFC 4360 §4, RFC 5668 §2); the wildcard has none. */
export function encodeRouteTarget(text: string): TextResult<Buffer> {
  const r = parseAdminAssigned(text.trim());
  if (!r.ok) return r;
  const b = Buffer.alloc(EXT_COMMUNITY_LENGTH);
  writeRouteTarget(r.value, b, 0);
  return { ok: true, value: b };
}

function writeRouteTarget(v: AdminAssigned, buf: Buffer, off: number): void {
  buf[off] = v.type;
  buf[off + 1] = RT_SUBTYPE;
  writeAdminValue(v, buf, off + 2);
}

// ---------------------------------------------------------------- outgoing

export interface EvpnCommunitiesOut {
  /** Canonical "A:N" text (no wildcard: it is import-only). */
  routeTargets: readonly string[];
  /** Tunnel type; omit for none. DESIGN.md §2: VXLAN on every type 2 and 3. */
  encapsulation?: number;
  macMobility?: MacMobility;
  defaultGateway?: boolean;
  esiLabel?: EsiLabel;
  routerMac?: number;
}

/**
 * Builds the EXTENDED_COMMUNITIES value for outgoing routes: route targets in
 * the given order, then encapsulation, MAC mobility, default gateway, ESI
 * label, router's MAC. Inputs come from validated config and our own state;
 * a malformed route target text is a programming error and throws.
 */
export function buildEvpnCommunities(c: EvpnCommunitiesOut): Buffer {
  const n =
    c.routeTargets.length +
    (c.encapsulation !== undefined ? 1 : 0) +
    (c.macMobility ? 1 : 0) +
    (c.defaultGateway ? 1 : 0) +
    (c.esiLabel ? 1 : 0) +
    (c.routerMac !== undefined ? 1 : 0);
  const b = Buffer.alloc(n * EXT_COMMUNITY_LENGTH);
  let o = 0;
  for (const text of c.routeTargets) {
    const r = parseAdminAssigned(text);
    if (!r.ok) throw new TypeError(`invalid route target in export list: ${r.error}`);
    writeRouteTarget(r.value, b, o);
    o += 8;
  }
  if (c.encapsulation !== undefined) {
    b[o] = 0x03;
    b[o + 1] = 0x0c;
    b.writeUInt16BE(c.encapsulation, o + 6);
    o += 8;
  }
  if (c.macMobility) {
    b[o] = 0x06;
    b[o + 1] = 0x00;
    b[o + 2] = c.macMobility.sticky ? 0x01 : 0x00;
    b.writeUInt32BE(c.macMobility.seq, o + 4);
    o += 8;
  }
  if (c.defaultGateway) {
    b[o] = 0x03;
    b[o + 1] = 0x0d;
    o += 8;
  }
  if (c.esiLabel) {
    b[o] = 0x06;
    b[o + 1] = 0x01;
    b[o + 2] = c.esiLabel.singleActive ? 0x01 : 0x00;
    b.writeUIntBE(c.esiLabel.label, o + 5, 3);
    o += 8;
  }
  if (c.routerMac !== undefined) {
    b[o] = 0x06;
    b[o + 1] = 0x03;
    b.writeUIntBE(c.routerMac, o + 2, 6);
  }
  return b;
}

/** Text of every extended community, for display ("RT:65000:100", "ET:8", "MM:5, sticky MAC", ...). */
export function formatExtCommunities(ext: Buffer | undefined): string[] {
  const out: string[] = [];
  if (!ext) return out;
  const end = ext.length - (ext.length % EXT_COMMUNITY_LENGTH);
  for (let o = 0; o < end; o += EXT_COMMUNITY_LENGTH) {
    const one = readEvpnCommunities(ext.subarray(o, o + EXT_COMMUNITY_LENGTH));
    if (one.routeTargets.length) out.push(`RT:${one.routeTargets[0]}`);
    else if (one.encapsulation !== undefined) out.push(`ET:${one.encapsulation}`);
    else if (one.macMobility) out.push(one.macMobility.sticky ? `MM:${one.macMobility.seq}, sticky MAC` : `MM:${one.macMobility.seq}`);
    else if (one.defaultGateway) out.push('Default Gateway');
    else if (one.esiLabel) out.push(`ESI-label-Rt:${one.esiLabel.singleActive ? 'SA' : 'AA'}:${one.esiLabel.label}`);
    else if (one.routerMac !== undefined) out.push(`Rmac:${formatMac(one.routerMac)}`);
    else out.push(`0x${ext.toString('hex', o, o + 8)}`);
  }
  return out;
}
