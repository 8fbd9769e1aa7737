/**
 * EVPN NLRI codec, AFI 25 / SAFI 70 (RFC 7432 §7): route types 1 (Ethernet
 * A-D, §7.1), 2 (MAC/IP, §7.2), 3 (IMET, §7.3), 4 (Ethernet Segment, §7.4)
 * and 5 (IP Prefix, RFC 9136 §3.1), IPv4 and IPv6 variants, in MP_REACH and
 * MP_UNREACH alike (withdrawals use the same encoding; RFC 7432 §7 leaves the
 * label fields of a withdrawal meaningless, so they may be 0).
 *
 * Error policy (RFC 7432 defines none, DESIGN.md §3):
 * - outer framing broken (a route length overruns the NLRI field, or a lone
 *   trailing octet): the whole NLRI field cannot be parsed, so RFC 7606 §5.3
 *   requires session reset (or AFI/SAFI disable); the NOTIFICATION is UPDATE
 *   Message Error / Optional Attribute Error, 3/9 (RFC 4760 §7, RFC 4271 §6.3);
 * - framing intact but a field inside one route invalid, or the route type
 *   unknown: that route alone is discarded with an error record and the
 *   others are kept (RFC 7606 §5.4 for typed NLRI).
 *
 * Left out: the MPLS reading of label fields (values are the raw 24 bits, the
 * VNI for VXLAN per RFC 8365 §5.1.3); type 1/4 semantics (decoded and kept only).
 */

import type { Family, WireError } from '../bgp/wire/types.js';
import type { EvpnRoute, IpAddress } from './types.js';
import { readEsi, readIp, writeIp } from './addr.js';
import { readRd, writeRd } from './rd.js';

export const EVPN_AFI = 25;
export const EVPN_SAFI = 70;
export const EVPN_FAMILY: Family = { afi: EVPN_AFI, safi: EVPN_SAFI };

/** One route dropped while the rest of the NLRI field was kept. */
export interface EvpnNlriError {
  /** Stable code, e.g. 'EVPN_ERR_MAC_LENGTH'. */
  code: string;
  message: string;
  routeType: number;
  /** Offset of the route's type octet in the NLRI field. */
  offset: number;
  /** The whole route (type, length, value), a view into the input for logging. */
  raw: Buffer;
}

export type EvpnNlriDecodeResult = { routes: EvpnRoute[]; errors: EvpnNlriError[] } | { fatal: WireError };

function fatal(message: string): { fatal: WireError } {
  return {
    fatal: {
      code: 'EVPN_ERR_NLRI_FRAMING',
      message,
      action: 'session-reset',
      // RFC 4760 §7: UPDATE Message Error / Optional Attribute Error. The data
      // field (the attribute, RFC 4271 §6.3) is filled in by the UPDATE codec,
      // which holds the attribute header.
      notification: { code: 3, subcode: 9, data: Buffer.alloc(0) },
    },
  };
}

type RouteResult = EvpnRoute | { code: string; message: string };

function bad(code: string, message: string): { code: string; message: string } {
  return { code, message };
}

const BAD_RD = bad('EVPN_ERR_RD_TYPE', 'route distinguisher type is not 0, 1 or 2 (RFC 4364 §4.2)');

// RFC 7432 §7.2: RD 8, ESI 10, Ethernet Tag 4, MAC len 1, MAC 6, IP len 1, label1 3.
const MACIP_FIXED = 33;

function decodeMacIp(b: Buffer, o: number, len: number): RouteResult {
  if (len < MACIP_FIXED) return bad('EVPN_ERR_ROUTE_LENGTH', `type 2 route of ${len} octets is shorter than ${MACIP_FIXED}`);
  const macLen = b[o + 22];
  if (macLen !== 48) return bad('EVPN_ERR_MAC_LENGTH', `MAC address length ${macLen}, not 48 (RFC 7432 §7.2)`);
  const ipLen = b[o + 29];
  if (ipLen !== 0 && ipLen !== 32 && ipLen !== 128) {
    return bad('EVPN_ERR_IP_LENGTH', `IP address length ${ipLen}, not 0, 32 or 128 (RFC 7432 §7.2)`);
  }
  const ipBytes = ipLen >>> 3;
  const rest = len - MACIP_FIXED - ipBytes;
  if (rest !== 0 && rest !== 3) {
    return bad('EVPN_ERR_ROUTE_LENGTH', `type 2 route length ${len} does not fit IP length ${ipLen} and one or two labels`);
  }
  const rd = readRd(b, o);
  if (rd === undefined) return BAD_RD;
  const labelOff = o + 30 + ipBytes;
  const route: EvpnRoute = {
    type: 2,
    rd,
    esi: readEsi(b, o + 8),
    ethTag: b.readUInt32BE(o + 18),
    mac: b.readUIntBE(o + 23, 6),
    label1: b.readUIntBE(labelOff, 3),
  };
  if (ipLen !== 0) route.ip = readIp(b, o + 30, ipLen);
  if (rest === 3) route.label2 = b.readUIntBE(labelOff + 3, 3);
  return route;
}

function decodeImet(b: Buffer, o: number, len: number): RouteResult {
  // RFC 7432 §7.3: RD 8, Ethernet Tag 4, IP length 1, originating router's IP.
  if (len < 13) return bad('EVPN_ERR_ROUTE_LENGTH', `type 3 route of ${len} octets is shorter than 13`);
  const ipLen = b[o + 12];
  if (ipLen !== 32 && ipLen !== 128) return bad('EVPN_ERR_IP_LENGTH', `originator IP length ${ipLen}, not 32 or 128 (RFC 7432 §7.3)`);
  if (len !== 13 + (ipLen >>> 3)) return bad('EVPN_ERR_ROUTE_LENGTH', `type 3 route length ${len} does not fit IP length ${ipLen}`);
  const rd = readRd(b, o);
  if (rd === undefined) return BAD_RD;
  return { type: 3, rd, ethTag: b.readUInt32BE(o + 8), originator: readIp(b, o + 13, ipLen) };
}

function decodeEthernetAd(b: Buffer, o: number, len: number): RouteResult {
  // RFC 7432 §7.1: RD 8, ESI 10, Ethernet Tag 4, label 3.
  if (len !== 25) return bad('EVPN_ERR_ROUTE_LENGTH', `type 1 route length ${len}, not 25 (RFC 7432 §7.1)`);
  const rd = readRd(b, o);
  if (rd === undefined) return BAD_RD;
  return { type: 1, rd, esi: readEsi(b, o + 8), ethTag: b.readUInt32BE(o + 18), label: b.readUIntBE(o + 22, 3) };
}

function decodeEthernetSegment(b: Buffer, o: number, len: number): RouteResult {
  // RFC 7432 §7.4: RD 8, ESI 10, IP length 1, originating router's IP.
  if (len < 19) return bad('EVPN_ERR_ROUTE_LENGTH', `type 4 route of ${len} octets is shorter than 19`);
  const ipLen = b[o + 18];
  if (ipLen !== 32 && ipLen !== 128) return bad('EVPN_ERR_IP_LENGTH', `originator IP length ${ipLen}, not 32 or 128 (RFC 7432 §7.4)`);
  if (len !== 19 + (ipLen >>> 3)) return bad('EVPN_ERR_ROUTE_LENGTH', `type 4 route length ${len} does not fit IP length ${ipLen}`);
  const rd = readRd(b, o);
  if (rd === undefined) return BAD_RD;
  return { type: 4, rd, esi: readEsi(b, o + 8), originator: readIp(b, o + 19, ipLen) };
}

function decodeIpPrefix(b: Buffer, o: number, len: number): RouteResult {
  // RFC 9136 §3.1: RD 8, ESI 10, Ethernet Tag 4, prefix length 1, prefix 4|16,
  // gateway 4|16, label 3; the family follows from the total length (34 or 58).
  if (len !== 34 && len !== 58) return bad('EVPN_ERR_ROUTE_LENGTH', `type 5 route length ${len}, not 34 or 58 (RFC 9136 §3.1)`);
  const bits = len === 34 ? 32 : 128;
  const prefixLen = b[o + 22];
  if (prefixLen > bits) return bad('EVPN_ERR_PREFIX_LENGTH', `IP prefix length ${prefixLen} exceeds ${bits} (RFC 9136 §3.1)`);
  const rd = readRd(b, o);
  if (rd === undefined) return BAD_RD;
  const ipBytes = bits >>> 3;
  return {
    type: 5,
    rd,
    esi: readEsi(b, o + 8),
    ethTag: b.readUInt32BE(o + 18),
    prefixLen,
    prefix: readIp(b, o + 23, bits),
    gateway: readIp(b, o + 23 + ipBytes, bits),
    label: b.readUIntBE(o + 23 + 2 * ipBytes, 3),
  };
}

/**
 * Decodes the NLRI field of an EVPN MP_REACH/MP_UNREACH attribute. Never
 * throws: broken framing is `{fatal}`, a bad route is an entry in `errors`.
 */
export function decodeEvpnNlri(buf: Buffer): EvpnNlriDecodeResult {
  const routes: EvpnRoute[] = [];
  const errors: EvpnNlriError[] = [];
  let off = 0;
  const end = buf.length;
  while (off < end) {
    // RFC 7432 §7: each route is Route Type (1), Length (1), value.
    if (off + 2 > end) return fatal(`EVPN NLRI: lone octet at offset ${off} where a route header was expected`);
    const type = buf[off];
    const len = buf[off + 1];
    const o = off + 2;
    if (o + len > end) return fatal(`EVPN NLRI: type ${type} route at offset ${off} has length ${len}, overrunning the ${end}-octet field`);
    let r: RouteResult;
    switch (type) {
      case 1:
        r = decodeEthernetAd(buf, o, len);
        break;
      case 2:
        r = decodeMacIp(buf, o, len);
        break;
      case 3:
        r = decodeImet(buf, o, len);
        break;
      case 4:
        r = decodeEthernetSegment(buf, o, len);
        break;
      case 5:
        r = decodeIpPrefix(buf, o, len);
        break;
      default:
        r = bad('EVPN_UNKNOWN_ROUTE_TYPE', `route type ${type} is not known; skipped (RFC 7606 §5.4)`);
    }
    if ('code' in r) errors.push({ code: r.code, message: r.message, routeType: type, offset: off, raw: buf.subarray(off, o + len) });
    else routes.push(r);
    off = o + len;
  }
  return { routes, errors };
}

// ---------------------------------------------------------------- encode

function ipBytes(ip: IpAddress): number {
  return ip.v === 4 ? 4 : 16;
}

/** Length of the route's value (without the type and length octets). */
export function evpnRouteValueLength(r: EvpnRoute): number {
  switch (r.type) {
    case 1:
      return 25;
    case 2:
      return MACIP_FIXED + (r.ip ? ipBytes(r.ip) : 0) + (r.label2 !== undefined ? 3 : 0);
    case 3:
      return 13 + ipBytes(r.originator);
    case 4:
      return 19 + ipBytes(r.originator);
    case 5:
      return r.prefix.v === 4 ? 34 : 58;
  }
}

function writeEsi(esi: string, buf: Buffer, off: number): void {
  if (buf.write(esi, off, 10, 'hex') !== 10) throw new TypeError(`invalid ESI in route model: ${esi}`);
}

/**
 * Writes one route (type, length, value) at `off` and returns the offset past
 * it; the caller sizes `buf` with evpnRouteValueLength + 2. The route comes
 * from our own model, so an invalid field there (RD text, ESI, IPv6 text, a
 * number out of range) is a programming error and throws.
 */
export function writeEvpnRoute(r: EvpnRoute, buf: Buffer, off: number): number {
  const len = evpnRouteValueLength(r);
  buf[off] = r.type;
  buf[off + 1] = len;
  const o = off + 2;
  writeRd(r.rd, buf, o);
  switch (r.type) {
    case 1:
      writeEsi(r.esi, buf, o + 8);
      buf.writeUInt32BE(r.ethTag, o + 18);
      buf.writeUIntBE(r.label, o + 22, 3);
      break;
    case 2: {
      writeEsi(r.esi, buf, o + 8);
      buf.writeUInt32BE(r.ethTag, o + 18);
      buf[o + 22] = 48;
      buf.writeUIntBE(r.mac, o + 23, 6);
      let p = o + 30;
      if (r.ip) {
        buf[o + 29] = r.ip.v === 4 ? 32 : 128;
        p = writeIp(r.ip, buf, p);
      } else {
        buf[o + 29] = 0;
      }
      buf.writeUIntBE(r.label1, p, 3);
      if (r.label2 !== undefined) buf.writeUIntBE(r.label2, p + 3, 3);
      break;
    }
    case 3:
      buf.writeUInt32BE(r.ethTag, o + 8);
      buf[o + 12] = r.originator.v === 4 ? 32 : 128;
      writeIp(r.originator, buf, o + 13);
      break;
    case 4:
      writeEsi(r.esi, buf, o + 8);
      buf[o + 18] = r.originator.v === 4 ? 32 : 128;
      writeIp(r.originator, buf, o + 19);
      break;
    case 5: {
      if (r.gateway.v !== r.prefix.v) throw new TypeError('type 5 route: prefix and gateway families differ (RFC 9136 §3.1)');
      writeEsi(r.esi, buf, o + 8);
      buf.writeUInt32BE(r.ethTag, o + 18);
      buf[o + 22] = r.prefixLen;
      const p = writeIp(r.gateway, buf, writeIp(r.prefix, buf, o + 23));
      buf.writeUIntBE(r.label, p, 3);
      break;
    }
  }
  return o + len;
}

/** The NLRI field for MP_REACH or MP_UNREACH carrying `routes`, in one allocation. */
export function encodeEvpnNlri(routes: readonly EvpnRoute[]): Buffer {
  let total = 0;
  for (const r of routes) total += 2 + evpnRouteValueLength(r);
  const buf = Buffer.allocUnsafe(total);
  let off = 0;
  for (const r of routes) off = writeEvpnRoute(r, buf, off);
  return buf;
}

export function encodeEvpnRoute(r: EvpnRoute): Buffer {
  const buf = Buffer.allocUnsafe(2 + evpnRouteValueLength(r));
  writeEvpnRoute(r, buf, 0);
  return buf;
}

/** Number of routes in an EVPN NLRI field, by walking type/length octets only (for counters). */
export function countEvpnRoutes(buf: Buffer): number {
  let n = 0;
  for (let off = 0; off + 2 <= buf.length; off += 2 + buf[off + 1]) n++;
  return n;
}
