/**
 * Checks for single config values. Each returns the normalised value or the
 * reason it is wrong, worded to follow "KEY.PATH: " in an error line.
 *
 * Route distinguishers (RFC 4364 §4.2) and route targets (RFC 4360 §4,
 * RFC 5668 §2) are read by the evpn codec (src/evpn/rd.ts): "AS2:N" (type 0,
 * N < 2^32), "IPv4:N" (type 1, N < 2^16), "AS4:N" (type 2, AS > 65535,
 * N < 2^16). The config adds "*:N" for route targets (any AS, import only, as
 * FRR) and leaves out the codec's "ASL:N" notation and AS 0.
 */
import { Address6 } from 'ip-address';
import { parseIpv4 } from '../bgp/wire/ipv4.js';
import { formatAdminAssigned, parseAdminAssigned } from '../evpn/rd.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (reason: string): Checked<never> => ({ ok: false, reason });

/** A value as quoted in error messages. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

export function checkInteger(v: unknown, min: number, max: number): Checked<number> {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return ok(v);
  return bad(`must be an integer ${min}..${max}, got ${show(v)}`);
}

/** RFC 4271 §4.2: the hold time is 0 or at least 3 seconds. */
export function checkHoldTime(v: unknown): Checked<number> {
  if (typeof v === 'number' && Number.isInteger(v) && (v === 0 || (v >= 3 && v <= 65535))) return ok(v);
  return bad(`must be 0 or an integer 3..65535, got ${show(v)}`);
}

export function checkBoolean(v: unknown): Checked<boolean> {
  if (typeof v === 'boolean') return ok(v);
  return bad(`must be true or false, got ${show(v)}`);
}

export function checkString(v: unknown): Checked<string> {
  if (typeof v !== 'string') return bad(`must be a string, got ${show(v)}`);
  if (v.trim() === '') return bad('must not be empty');
  return ok(v);
}

export function checkOneOf<T extends string>(v: unknown, allowed: readonly T[]): Checked<T> {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return ok(v as T);
  return bad(`must be one of ${allowed.join(', ')}, got ${show(v)}`);
}

function isIpv4(s: string): boolean {
  return parseIpv4(s) !== undefined;
}

function isIpv6(s: string): boolean {
  return !s.includes('/') && !s.includes('%') && Address6.isValid(s);
}

export type IpFamily = 4 | 6;

/** The family of a canonical address from checkIp. */
export function ipFamily(addr: string): IpFamily {
  return addr.includes(':') ? 6 : 4;
}

/** An IPv4 or IPv6 host address, returned in canonical text. */
export function checkIp(v: unknown): Checked<string> {
  if (typeof v === 'string') {
    if (isIpv4(v)) return ok(v);
    if (isIpv6(v)) return ok(new Address6(v).correctForm());
  }
  return bad(`must be an IPv4 or IPv6 address, got ${show(v)}`);
}

/** RFC 6286 §2.1: a non-zero 32-bit identifier, written as an IPv4 address. */
export function checkRouterId(v: unknown): Checked<string> {
  if (typeof v === 'string' && isIpv4(v) && v !== '0.0.0.0') return ok(v);
  return bad(`must be a dotted IPv4 address other than 0.0.0.0, got ${show(v)}`);
}

const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const DIGITS = /^[0-9]+$/;

export type OvsdbTarget =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp' | 'ssl'; host: string; port: number };

/** An OVSDB active remote as ovsdb-client writes it (ovsdb-server(1) "Database Connection Methods"). */
export function parseOvsdbTarget(v: unknown): Checked<OvsdbTarget> {
  if (typeof v !== 'string') return bad(`must be a string, got ${show(v)}`);
  const colon = v.indexOf(':');
  const kind = colon < 0 ? '' : v.slice(0, colon);
  const rest = v.slice(colon + 1);
  if (kind === 'unix') {
    if (rest === '') return bad(`unix: needs a socket path, got ${show(v)}`);
    return ok({ kind, path: rest });
  }
  if (kind !== 'tcp' && kind !== 'ssl') return bad(`must be unix:PATH, tcp:HOST:PORT or ssl:HOST:PORT, got ${show(v)}`);
  const last = rest.lastIndexOf(':');
  if (last < 0) return bad(`${kind}: needs HOST:PORT, got ${show(v)}`);
  let host = rest.slice(0, last);
  const portText = rest.slice(last + 1);
  const port = DIGITS.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) return bad(`port must be an integer 1..65535, got ${show(v)}`);
  if (host.startsWith('[') && host.endsWith(']')) {
    host = host.slice(1, -1);
    if (!isIpv6(host)) return bad(`host must be an IPv4 address, [IPv6] address or DNS name, got ${show(v)}`);
    return ok({ kind, host: new Address6(host).correctForm(), port });
  }
  if (host.includes(':')) return bad(`an IPv6 host goes in brackets (${kind}:[::1]:6640), got ${show(v)}`);
  if (!isIpv4(host) && !(DNS_NAME.test(host) && !/^[0-9.]+$/.test(host))) {
    return bad(`host must be an IPv4 address, [IPv6] address or DNS name, got ${show(v)}`);
  }
  return ok({ kind, host, port });
}

export function checkOvsdbTarget(v: unknown): Checked<string> {
  const t = parseOvsdbTarget(v);
  return t.ok ? ok(v as string) : t;
}

/** RFC 7348 §5: the VNI is 24 bits; 0 is not usable as an EVI. */
export function checkVni(v: unknown): Checked<number> {
  return checkInteger(v, 1, 16777215);
}

/** The config's wording of a number too large for the value's type (the evpn parser's `number` fault). */
const NUMBER_RANGE = {
  0: '0..4294967295 after a 2-octet AS',
  1: '0..65535 after an IPv4 address',
  2: '0..65535 after a 4-octet AS',
} as const;

/** Canonical text of an RD or RT; the syntax is the evpn codec's, the wording and the forms offered are the config's. */
function checkAdminAssigned(v: unknown, what: string, allowAny: boolean): Checked<string> {
  const forms = allowAny ? 'ASN:N, IPv4:N or *:N' : 'ASN:N or IPv4:N';
  const shape = bad(`must be a ${what} ${forms}, got ${show(v)}`);
  if (typeof v !== 'string') return shape;
  if (v.startsWith('*:')) {
    if (!allowAny || !DIGITS.test(v.slice(2))) return shape;
    const n = Number(v.slice(2));
    if (n > 0xffffffff) return bad(`assigned number must be 0..4294967295, got ${show(v)}`);
    return ok(`*:${n}`);
  }
  // The config takes the AS as a plain number: "100L:7" (a type 2 value with a 2-octet AS) is not offered.
  if (/[Ll]:[^:]*$/.test(v)) return shape;
  const r = parseAdminAssigned(v);
  if (!r.ok && r.fault !== 'number') return r.fault === 'as' ? bad(`AS must be 1..4294967295, got ${show(v)}`) : shape;
  const read = r.ok ? r.value : r.read;
  // AS 0 is reserved (RFC 7607): refused like any AS out of range, before the number is looked at.
  if (read.type !== 1 && read.admin === 0) return bad(`AS must be 1..4294967295, got ${show(v)}`);
  if (!r.ok) return bad(`assigned number must be ${NUMBER_RANGE[read.type]}, got ${show(v)}`);
  return ok(formatAdminAssigned(r.value));
}

export function checkRouteDistinguisher(v: unknown): Checked<string> {
  return checkAdminAssigned(v, 'route distinguisher', false);
}

/** `allowAny`: accept "*:N" (import lists only). */
export function checkRouteTarget(v: unknown, allowAny: boolean): Checked<string> {
  if (!allowAny && typeof v === 'string' && v.startsWith('*:')) return bad(`"*:N" is only allowed in import_rts, got ${show(v)}`);
  return checkAdminAssigned(v, 'route target', allowAny);
}
