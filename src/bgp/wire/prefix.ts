/**
 * IPv4 prefixes of the UPDATE's Withdrawn Routes and NLRI fields (RFC 4271 §4.3):
 * a length octet in bits, then the fewest octets that hold the prefix. Other
 * families' NLRI stays raw in MP_REACH/MP_UNREACH and is decoded by its owner.
 */
import type { Ipv4Prefix } from './types.js';
import type { Writer } from './writer.js';

/**
 * The prefixes in `buf[start, end)` (the UPDATE decoder reads its fields in place), or
 * undefined when the field is malformed (length > 32, overrun).
 */
export function decodeIpv4PrefixesAt(buf: Buffer, start: number, end: number): Ipv4Prefix[] | undefined {
  const out: Ipv4Prefix[] = [];
  let off = start;
  while (off < end) {
    const len = buf[off++];
    if (len > 32) return undefined;
    const n = (len + 7) >> 3;
    if (end - off < n) return undefined;
    let addr = 0;
    for (let i = 0; i < n; i++) addr |= buf[off + i] << (24 - 8 * i);
    // RFC 4271 §4.3: trailing bits past the prefix length are irrelevant; clear them.
    addr = len === 0 ? 0 : (addr & (0xffffffff << (32 - len))) >>> 0;
    out.push({ addr, len });
    off += n;
  }
  return out;
}

export function encodeIpv4Prefixes(w: Writer, prefixes: readonly Ipv4Prefix[]): void {
  for (const p of prefixes) {
    const n = (p.len + 7) >> 3;
    w.ensure(1 + n);
    w.buf[w.off++] = p.len;
    for (let i = 0; i < n; i++) w.buf[w.off++] = (p.addr >>> (24 - 8 * i)) & 0xff;
  }
}
