/**
 * Address text and octet helpers for the EVPN codec: MAC addresses as 48-bit
 * numbers, IPv4 as uint32 numbers (text through the wire layer's ipv4.ts), IPv6
 * as canonical text (RFC 5952 §4), ESIs as 20 hex digits (RFC 7432 §5). Pure
 * functions, no I/O.
 */

import { formatIpv4, parseIpv4 } from '../bgp/wire/ipv4.js';
import { ESI_ZERO } from './types.js';
import type { IpAddress } from './types.js';

/** Character codes of the lower-case hex digits. */
const HEX_CODES: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const COLON = 58;

/**
 * "aa:bb:cc:dd:ee:ff" (lower case, FRR's form). Built as one flat string:
 * MAC texts are map keys all the way to the switch, and a concatenated
 * string would be flattened (copied) the first time it is hashed.
 */
export function formatMac(mac: number): string {
  const hi = Math.floor(mac / 0x1000000);
  const lo = mac % 0x1000000;
  const h = HEX_CODES;
  const a = (hi >>> 16) & 255, b = (hi >>> 8) & 255, c = hi & 255, d = (lo >>> 16) & 255, e = (lo >>> 8) & 255, f = lo & 255;
  return String.fromCharCode(
    h[a >>> 4], h[a & 15], COLON, h[b >>> 4], h[b & 15], COLON, h[c >>> 4], h[c & 15], COLON,
    h[d >>> 4], h[d & 15], COLON, h[e >>> 4], h[e & 15], COLON, h[f >>> 4], h[f & 15],
  );
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Accepts "aa:bb:cc:dd:ee:ff", "aa-bb-cc-dd-ee-ff" and "aabb.ccdd.eeff"; undefined otherwise. */
export function parseMac(text: string): number | undefined {
  let digits = 0;
  let value = 0;
  let sepKind = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const v = hexVal(text.charCodeAt(i));
    if (v >= 0) {
      if (++digits > 12) return undefined;
      value = value * 16 + v;
      continue;
    }
    if (ch !== ':' && ch !== '-' && ch !== '.') return undefined;
    if (sepKind === '') sepKind = ch;
    else if (sepKind !== ch) return undefined;
    // separators must sit on group boundaries: every 2 digits for ':'/'-', every 4 for '.'
    const group = ch === '.' ? 4 : 2;
    if (digits === 0 || digits % group !== 0) return undefined;
  }
  if (digits !== 12) return undefined;
  const groups = sepKind === '' ? 0 : text.split(sepKind).length;
  if (sepKind !== '' && groups !== (sepKind === '.' ? 3 : 6)) return undefined;
  return value;
}

/** Canonical IPv6 text of 16 octets at `off` (RFC 5952 §4: lower case, longest zero run of 2+ as "::"). */
export function readIpv6(buf: Buffer, off: number): string {
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (buf.readUInt16BE(off + i * 2) === 0) {
      if (runStart < 0) runStart = i;
      if (i - runStart + 1 > bestLen) {
        bestStart = runStart;
        bestLen = i - runStart + 1;
      }
    } else {
      runStart = -1;
    }
  }
  // RFC 5952 §4.2.3 / §5: IPv4-mapped addresses keep dotted quad at the end.
  if (bestStart === 0 && bestLen === 5 && buf.readUInt16BE(off + 10) === 0xffff) {
    return `::ffff:${formatIpv4(buf.readUInt32BE(off + 12))}`;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += buf.readUInt16BE(off + i * 2).toString(16);
    if (i < 7) s += ':';
  }
  return s;
}

/** Writes 16 octets of an IPv6 text at `off`; false when the text is not an IPv6 address. */
export function writeIpv6(text: string, buf: Buffer, off: number): boolean {
  let t = text;
  const lastColon = t.lastIndexOf(':');
  if (lastColon >= 0 && t.indexOf('.', lastColon) > 0) {
    // trailing dotted quad (RFC 4291 §2.2 form 3): rewrite as two hex groups
    const v4 = parseIpv4(t.slice(lastColon + 1));
    if (v4 === undefined) return false;
    t = `${t.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const dbl = t.indexOf('::');
  if (dbl !== t.lastIndexOf('::')) return false;
  const left = dbl >= 0 ? t.slice(0, dbl) : t;
  const right = dbl >= 0 ? t.slice(dbl + 2) : '';
  const lg = left === '' ? [] : left.split(':');
  const rg = right === '' ? [] : right.split(':');
  if (dbl >= 0 ? lg.length + rg.length > 7 : lg.length !== 8) return false;
  let i = 0;
  const put = (g: string): boolean => {
    if (g.length === 0 || g.length > 4) return false;
    let n = 0;
    for (let k = 0; k < g.length; k++) {
      const v = hexVal(g.charCodeAt(k));
      if (v < 0) return false;
      n = n * 16 + v;
    }
    buf.writeUInt16BE(n, off + 2 * i++);
    return true;
  };
  for (const g of lg) if (!put(g)) return false;
  while (i < 8 - rg.length) buf.writeUInt16BE(0, off + 2 * i++);
  for (const g of rg) if (!put(g)) return false;
  return true;
}

/** Canonical text of an IPv6 address, or undefined when it is not one. */
export function canonicalIpv6(text: string): string | undefined {
  const b = Buffer.allocUnsafe(16);
  return writeIpv6(text, b, 0) ? readIpv6(b, 0) : undefined;
}

/** The address of `bits` (32 or 128) at `off`. */
export function readIp(buf: Buffer, off: number, bits: number): IpAddress {
  return bits === 32 ? { v: 4, addr: buf.readUInt32BE(off) } : { v: 6, addr: readIpv6(buf, off) };
}

/**
 * Writes the 4 or 16 octets of `ip` at `off` and returns the offset past them.
 * The address comes from our own model, so IPv6 text that is not an address is
 * a programming error and throws.
 */
export function writeIp(ip: IpAddress, buf: Buffer, off: number): number {
  if (ip.v === 4) {
    buf.writeUInt32BE(ip.addr, off);
    return off + 4;
  }
  if (!writeIpv6(ip.addr, buf, off)) throw new TypeError(`invalid IPv6 address in route model: ${ip.addr}`);
  return off + 16;
}

/** The 4 or 16 octets of `ip` (a next hop, a PMSI tunnel identifier). */
export function ipOctets(ip: IpAddress): Buffer {
  const b = Buffer.allocUnsafe(ip.v === 4 ? 4 : 16);
  writeIp(ip, b, 0);
  return b;
}

export function formatIp(ip: IpAddress): string {
  return ip.v === 4 ? formatIpv4(ip.addr) : ip.addr;
}

export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const c = canonicalIpv6(text);
    return c === undefined ? undefined : { v: 6, addr: c };
  }
  const n = parseIpv4(text);
  return n === undefined ? undefined : { v: 4, addr: n };
}

/**
 * 10 octets at `off` as 20 lower-case hex digits. The all-zero ESI of a single-homed
 * route, nearly every route, is the shared ESI_ZERO: no string is built for it.
 */
export function readEsi(buf: Buffer, off: number): string {
  if (buf.readUInt32BE(off) === 0 && buf.readUInt32BE(off + 4) === 0 && buf.readUInt16BE(off + 8) === 0) return ESI_ZERO;
  return buf.toString('hex', off, off + 10);
}

/** "00:11:22:33:44:55:66:77:88:99", the form FRR shows. */
export function formatEsi(esi: string): string {
  let s = esi.slice(0, 2);
  for (let i = 2; i < 20; i += 2) s += ':' + esi.slice(i, i + 2);
  return s;
}
