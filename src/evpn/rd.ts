/**
 * Route distinguishers (RFC 4364 §4.2, types 0, 1 and 2) and the
 * "administrator:assigned" value they share with route-target extended
 * communities (RFC 4360 §3.1, §4; RFC 5668 §2).
 *
 * Text forms: "65000:100" (type 0, 2-octet AS : 4-octet number),
 * "192.0.2.1:5" (type 1, IPv4 : 2-octet number), "4200000000:7" (type 2,
 * 4-octet AS : 2-octet number). A type 2 value whose AS fits in 2 octets is
 * written "100L:7" (the Junos convention) so that text and octets round-trip;
 * "100L:7" is accepted on input too. RD types other than 0–2 are not
 * defined by RFC 4364 and are rejected. Pure functions, no I/O.
 */

import { formatIpv4, parseIpv4 } from '../bgp/wire/ipv4.js';

/** The three value layouts: type 0, 1 and 2 of RFC 4364 §4.2 and RFC 4360/5668. */
export interface AdminAssigned {
  type: 0 | 1 | 2;
  /** AS number (types 0 and 2) or IPv4 address as uint32 (type 1). */
  admin: number;
  assigned: number;
}

export type TextResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Why a text is not an "A:N" value, for callers that word errors their own way
 * (the config names the key): `form` when it is not ADMIN:NUMBER with an IPv4
 * address or a decimal AS, `as` when the AS does not fit 4 octets, `number`
 * when the assigned number is too large for the value's type (`read` is the
 * value as written, number out of range).
 */
export type AdminAssignedError =
  | { ok: false; error: string; fault: 'form' | 'as' }
  | { ok: false; error: string; fault: 'number'; read: AdminAssigned };

const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
const DIGITS = /^[0-9]+$/;

/**
 * Parses "A:N" in any of the three forms; the type follows from the administrator part.
 * The form of both parts is checked before their ranges, so a fault of `as` or
 * `number` means the text is otherwise well formed. Leading zeros are allowed.
 */
export function parseAdminAssigned(text: string): { ok: true; value: AdminAssigned } | AdminAssignedError {
  const colon = text.lastIndexOf(':');
  const left = text.slice(0, colon);
  const right = text.slice(colon + 1);
  if (colon <= 0 || !DIGITS.test(right)) return { ok: false, fault: 'form', error: `"${text}": expected ADMIN:NUMBER` };
  // Number() of a digit string rounds monotonically, so range checks stay exact past 2^53.
  const n = Number(right);
  if (left.includes('.')) {
    const ip = parseIpv4(left);
    if (ip === undefined) return { ok: false, fault: 'form', error: `"${text}": "${left}" is not an IPv4 address` };
    if (n > MAX16) return { ok: false, fault: 'number', read: { type: 1, admin: ip, assigned: n }, error: `"${text}": with an IPv4 administrator the number must be 0..65535` };
    return { ok: true, value: { type: 1, admin: ip, assigned: n } };
  }
  const forced4 = left.endsWith('L') || left.endsWith('l');
  const asText = forced4 ? left.slice(0, -1) : left;
  if (!DIGITS.test(asText)) return { ok: false, fault: 'form', error: `"${text}": "${left}" is not an AS number (0..4294967295)` };
  const as = Number(asText);
  if (as > MAX32) return { ok: false, fault: 'as', error: `"${text}": "${left}" is not an AS number (0..4294967295)` };
  if (forced4 || as > MAX16) {
    if (n > MAX16) return { ok: false, fault: 'number', read: { type: 2, admin: as, assigned: n }, error: `"${text}": with a 4-octet AS the number must be 0..65535` };
    return { ok: true, value: { type: 2, admin: as, assigned: n } };
  }
  if (n > MAX32) return { ok: false, fault: 'number', read: { type: 0, admin: as, assigned: n }, error: `"${text}": the number must be 0..4294967295` };
  return { ok: true, value: { type: 0, admin: as, assigned: n } };
}

export function formatAdminAssigned(v: AdminAssigned): string {
  switch (v.type) {
    case 0:
      return `${v.admin}:${v.assigned}`;
    case 1:
      return `${formatIpv4(v.admin)}:${v.assigned}`;
    case 2:
      return v.admin > MAX16 ? `${v.admin}:${v.assigned}` : `${v.admin}L:${v.assigned}`;
  }
}

/** Writes the 6-octet value of `v` at `off` (the layout shared by RDs and RTs). */
export function writeAdminValue(v: AdminAssigned, buf: Buffer, off: number): void {
  if (v.type === 0) {
    buf.writeUInt16BE(v.admin, off);
    buf.writeUInt32BE(v.assigned, off + 2);
  } else {
    buf.writeUInt32BE(v.admin, off);
    buf.writeUInt16BE(v.assigned, off + 4);
  }
}

/** Reads the canonical text of a 6-octet value of the given type at `off`. */
export function readAdminValue(type: 0 | 1 | 2, buf: Buffer, off: number): string {
  if (type === 0) return `${buf.readUInt16BE(off)}:${buf.readUInt32BE(off + 2)}`;
  if (type === 1) return `${formatIpv4(buf.readUInt32BE(off))}:${buf.readUInt16BE(off + 4)}`;
  const as = buf.readUInt32BE(off);
  return as > MAX16 ? `${as}:${buf.readUInt16BE(off + 4)}` : `${as}L:${buf.readUInt16BE(off + 4)}`;
}

// ---------------------------------------------------------------- route distinguishers

export const RD_LENGTH = 8;

/** Canonical text of an RD given as text; an error names what is wrong. */
export function parseRd(text: string): TextResult<string> {
  const r = parseAdminAssigned(text.trim());
  return r.ok ? { ok: true, value: formatAdminAssigned(r.value) } : r;
}

// The routes of one UPDATE mostly share their RD: the last RD read and the
// last written are remembered, so that each is formatted or parsed once.
let readHigh = -1;
let readLow = -1;
let readText = '';
let writtenText = '';
const written = Buffer.alloc(RD_LENGTH);

/** Canonical text of the 8-octet RD at `off`, or undefined for an RD type other than 0–2 (RFC 4364 §4.2). */
export function readRd(buf: Buffer, off: number): string | undefined {
  const high = buf.readUInt32BE(off);
  const low = buf.readUInt32BE(off + 4);
  if (high === readHigh && low === readLow) return readText;
  const type = high >>> 16;
  if (type > 2) return undefined;
  readText = readAdminValue(type as 0 | 1 | 2, buf, off + 2);
  readHigh = high;
  readLow = low;
  return readText;
}

/**
 * Writes the RD text at `off`. The text comes from our own model (validated by
 * parseRd when configured or decoded), so a malformed one is a programming error.
 */
export function writeRd(text: string, buf: Buffer, off: number): void {
  if (text !== writtenText) {
    const r = parseAdminAssigned(text);
    if (!r.ok) throw new TypeError(`invalid route distinguisher in route model: ${r.error}`);
    written.writeUInt16BE(r.value.type, 0);
    writeAdminValue(r.value, written, 2);
    writtenText = text;
  }
  written.copy(buf, off);
}

export function encodeRd(text: string): TextResult<Buffer> {
  const r = parseAdminAssigned(text);
  if (!r.ok) return r;
  const b = Buffer.alloc(RD_LENGTH);
  b.writeUInt16BE(r.value.type, 0);
  writeAdminValue(r.value, b, 2);
  return { ok: true, value: b };
}

export function decodeRd(buf: Buffer): TextResult<string> {
  if (buf.length !== RD_LENGTH) return { ok: false, error: `route distinguisher is ${buf.length} octets, not 8` };
  const s = readRd(buf, 0);
  return s === undefined ? { ok: false, error: `unknown route distinguisher type ${buf.readUInt16BE(0)}` } : { ok: true, value: s };
}
