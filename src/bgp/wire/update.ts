/**
 * UPDATE message (RFC 4271 §4.3) with RFC 7606 error handling, IPv4 prefixes of its
 * withdrawn-routes and NLRI fields, and End-of-RIB markers (RFC 4724 §2).
 *
 * Decode returns the attributes that survived plus the non-fatal errors
 * (attribute-discard, treat-as-withdraw); a session-reset error ends the decode.
 */
import { AttrFlag, AttrType, decodeAttribute, encodeAttributes, mergeAs4 } from './attributes.js';
import type { AttrScratch } from './attributes.js';
import { UpdateSubcode, updateError } from './errors.js';
import { AFI, SAFI } from './types.js';
import type { CodecContext, DecodeResult, Family, Ipv4Prefix, PathAttributes, UpdateMessage, WireError } from './types.js';

// ---------------------------------------------------------------- prefixes

export function decodeIpv4Prefixes(buf: Buffer): Ipv4Prefix[] | undefined {
  const out: Ipv4Prefix[] = [];
  let off = 0;
  while (off < buf.length) {
    const len = buf[off++];
    if (len > 32) return undefined;
    const n = (len + 7) >> 3;
    if (buf.length - off < n) return undefined;
    let addr = 0;
    for (let i = 0; i < 4; i++) addr = addr * 256 + (i < n ? buf[off + i] : 0);
    // Bits past the prefix length are ignored (RFC 4271 §4.3: "trailing bits").
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    out.push({ addr: (addr & mask) >>> 0, len });
    off += n;
  }
  return out;
}

export function encodeIpv4Prefixes(prefixes: readonly Ipv4Prefix[]): Buffer {
  let size = 0;
  for (const p of prefixes) size += 1 + ((p.len + 7) >> 3);
  const b = Buffer.allocUnsafe(size);
  let off = 0;
  for (const p of prefixes) {
    b[off++] = p.len;
    const n = (p.len + 7) >> 3;
    for (let i = 0; i < n; i++) b[off++] = (p.addr >>> (24 - 8 * i)) & 0xff;
  }
  return b;
}

// ---------------------------------------------------------------- decode

export function decodeUpdate(body: Buffer, ctx: CodecContext): DecodeResult<UpdateMessage> {
  const reset = (code: string, msg: string, subcode: number = UpdateSubcode.MALFORMED_ATTRIBUTE_LIST): DecodeResult<UpdateMessage> => ({
    ok: false,
    error: updateError(code, msg, 'session-reset', subcode),
  });
  // RFC 7606 §5.3 / RFC 4271 §6.3: lengths inconsistent with the message length → 3/1.
  if (body.length < 4) return reset('BGP_ERR_UPDATE_LENGTH', 'UPDATE shorter than 4 octets');
  const wLen = body.readUInt16BE(0);
  if (2 + wLen + 2 > body.length) return reset('BGP_ERR_WITHDRAWN_LENGTH', `withdrawn routes length ${wLen} overruns the message`);
  const aOff = 2 + wLen + 2;
  const aLen = body.readUInt16BE(2 + wLen);
  if (aOff + aLen > body.length) return reset('BGP_ERR_ATTR_TOTAL_LENGTH', `total path attribute length ${aLen} overruns the message`);
  const withdrawn = decodeIpv4Prefixes(body.subarray(2, 2 + wLen));
  if (!withdrawn) return reset('BGP_ERR_WITHDRAWN_SYNTAX', 'malformed withdrawn routes', UpdateSubcode.INVALID_NETWORK_FIELD);
  const nlri = decodeIpv4Prefixes(body.subarray(aOff + aLen));
  if (!nlri) return reset('BGP_ERR_NLRI_SYNTAX', 'malformed NLRI', UpdateSubcode.INVALID_NETWORK_FIELD);

  const errors: WireError[] = [];
  const s: AttrScratch = { attrs: {} };
  const seen = new Set<number>();
  let off = aOff;
  const end = aOff + aLen;
  while (off < end) {
    const flags = body[off];
    const headLen = flags & AttrFlag.EXTENDED_LENGTH ? 4 : 3;
    // RFC 7606 §4: an attribute overrunning the total length → treat-as-withdraw, the
    // total length still locates the NLRI.
    if (end - off < headLen) {
      errors.push(updateError('BGP_ERR_ATTR_OVERRUN', 'truncated attribute header', 'treat-as-withdraw', UpdateSubcode.ATTRIBUTE_LENGTH));
      break;
    }
    const type = body[off + 1];
    const len = headLen === 4 ? body.readUInt16BE(off + 2) : body[off + 2];
    if (end - off - headLen < len) {
      const e = updateError('BGP_ERR_ATTR_OVERRUN', `attribute ${type} length ${len} overruns the attributes`, 'treat-as-withdraw', UpdateSubcode.ATTRIBUTE_LENGTH, undefined, type);
      // The MP attributes hold NLRI: a broken one cannot be located (RFC 7606 §5.3).
      if ((type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI) && !seen.has(type)) e.action = 'session-reset';
      errors.push(e);
      break;
    }
    const raw = body.subarray(off, off + headLen + len);
    const value = body.subarray(off + headLen, off + headLen + len);
    off += headLen + len;
    if (seen.has(type)) {
      // RFC 7606 §3(g): a repeated MP attribute resets; other repeats are discarded.
      if (type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI) {
        return reset('BGP_ERR_ATTR_DUPLICATE_MP', `MP attribute ${type} appears twice`);
      }
      errors.push(updateError('BGP_ERR_ATTR_DUPLICATE', `attribute ${type} appears twice; the repeat is discarded`, 'attribute-discard', UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, undefined, type));
      continue;
    }
    seen.add(type);
    const e = decodeAttribute(flags, type, value, raw, ctx, s);
    if (e) {
      if (e.action === 'session-reset') return { ok: false, error: e };
      errors.push(e);
    }
  }
  if (!ctx.fourOctetAs) mergeAs4(s);
  const attrs = s.attrs;
  // RFC 7606 §3(d): missing well-known mandatory attributes when there is reachable NLRI.
  const reach = nlri.length > 0 || attrs.mpReach !== undefined;
  if (reach && errors.length === 0) {
    const missing: string[] = [];
    if (attrs.origin === undefined) missing.push('ORIGIN');
    if (attrs.asPath === undefined) missing.push('AS_PATH');
    // RFC 4760 §3: NEXT_HOP is needed only for IPv4 NLRI in the UPDATE itself.
    if (nlri.length > 0 && attrs.nextHop === undefined) missing.push('NEXT_HOP');
    if (missing.length > 0) {
      errors.push(updateError('BGP_ERR_ATTR_MISSING', `missing well-known attribute ${missing.join(', ')}`, 'treat-as-withdraw', UpdateSubcode.MISSING_WELL_KNOWN));
    }
  }
  return { ok: true, value: { type: 'update', withdrawn, attributes: attrs, nlri }, errors };
}

export function encodeUpdate(m: UpdateMessage, ctx: CodecContext): Buffer {
  const w = encodeIpv4Prefixes(m.withdrawn);
  const a = encodeAttributes(m.attributes, ctx);
  const n = encodeIpv4Prefixes(m.nlri);
  const head = Buffer.allocUnsafe(2);
  head.writeUInt16BE(w.length, 0);
  const mid = Buffer.allocUnsafe(2);
  mid.writeUInt16BE(a.length, 0);
  return Buffer.concat([head, w, mid, a, n]);
}

/** Whether any non-fatal error asks for treat-as-withdraw (RFC 7606 §2). */
export function treatAsWithdraw(errors: readonly WireError[]): boolean {
  return errors.some((e) => e.action === 'treat-as-withdraw');
}

// ---------------------------------------------------------------- End-of-RIB

/** RFC 4724 §2: empty UPDATE for ipv4/unicast, MP_UNREACH with no NLRI otherwise. */
export function endOfRib(family: Family): UpdateMessage {
  const attributes: PathAttributes = {};
  if (!(family.afi === AFI.IPV4 && family.safi === SAFI.UNICAST)) {
    attributes.mpUnreach = { afi: family.afi, safi: family.safi, nlri: Buffer.alloc(0) };
  }
  return { type: 'update', withdrawn: [], attributes, nlri: [] };
}

/** The family an End-of-RIB marker is for, or null when the UPDATE is no marker. */
export function endOfRibFamily(u: UpdateMessage): Family | null {
  if (u.withdrawn.length > 0 || u.nlri.length > 0) return null;
  const keys = Object.keys(u.attributes).filter((k) => u.attributes[k as keyof PathAttributes] !== undefined);
  if (keys.length === 0) return { afi: AFI.IPV4, safi: SAFI.UNICAST };
  const un = u.attributes.mpUnreach;
  if (keys.length === 1 && un && un.nlri.length === 0) return { afi: un.afi, safi: un.safi };
  return null;
}
