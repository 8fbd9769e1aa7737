/**
 * UPDATE message (RFC 4271 §4.3) with the revised error handling of RFC 7606, and the
 * End-of-RIB marker of RFC 4724 §2.
 *
 * Decode returns the attributes that survived plus the non-fatal errors
 * (attribute-discard, treat-as-withdraw); an error that needs a session reset or an
 * AFI/SAFI disable ends the decode with `ok: false`. NLRI inside MP_REACH/MP_UNREACH
 * stays raw: its family codec (src/evpn) applies RFC 7606 §5.3 to it.
 * Left out: checks that need the session. Of those, only the next hop is looked at, by
 * the RIB (a route without a usable one is ineligible). LOCAL_PREF is decoded whatever
 * the peer: the RIB ignores one from an eBGP peer (RFC 4271 §5.1.5) and counts a missing
 * one as 100 in best path; the first AS of an eBGP peer's path is not compared with its AS.
 */
import { AttrFlag, AttrType, decodeAttribute, encodeAttributes, mergeAs4 } from './attributes.js';
import type { AttrScratch } from './attributes.js';
import { UpdateSubcode, updateError } from './errors.js';
import { decodeIpv4PrefixesAt, encodeIpv4Prefixes } from './prefix.js';
import { AFI, SAFI } from './types.js';
import type { CodecContext, DecodeResult, Family, PathAttributes, UpdateMessage, WireError } from './types.js';
import type { Writer } from './writer.js';

/** Per type code, the decode pass that last saw it: duplicate detection without a Set per UPDATE. */
const seenAt = new Uint32Array(256);
let pass = 0;

function reset(code: string, msg: string, subcode: number = UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, data?: Buffer): DecodeResult<UpdateMessage> {
  return { ok: false, error: updateError(code, msg, 'session-reset', subcode, data) };
}

/** Decodes an UPDATE body (the octets after the 19-octet header). */
export function decodeUpdate(body: Buffer, ctx: CodecContext): DecodeResult<UpdateMessage> {
  // RFC 7606 §5.3, RFC 4271 §6.3: field lengths inconsistent with the message → 3/1 reset.
  if (body.length < 4) return reset('BGP_ERR_UPDATE_LENGTH', `UPDATE body of ${body.length} octets, shorter than 4`);
  const wLen = body.readUInt16BE(0);
  if (2 + wLen + 2 > body.length) return reset('BGP_ERR_WITHDRAWN_LENGTH', `withdrawn routes length ${wLen} overruns the message`);
  const aLen = body.readUInt16BE(2 + wLen);
  const aOff = 2 + wLen + 2;
  const end = aOff + aLen;
  if (end > body.length) return reset('BGP_ERR_ATTR_TOTAL_LENGTH', `total path attribute length ${aLen} overruns the message`);
  // RFC 4271 §6.3: a syntactically incorrect prefix field is 3/10.
  const withdrawn = decodeIpv4PrefixesAt(body, 2, 2 + wLen);
  if (!withdrawn) return reset('BGP_ERR_WITHDRAWN_SYNTAX', 'malformed withdrawn routes', UpdateSubcode.INVALID_NETWORK_FIELD);
  const nlri = decodeIpv4PrefixesAt(body, end, body.length);
  if (!nlri) return reset('BGP_ERR_NLRI_SYNTAX', 'malformed NLRI', UpdateSubcode.INVALID_NETWORK_FIELD);

  const errors: WireError[] = [];
  const s: AttrScratch = { attrs: {}, ipv4Nlri: nlri.length > 0 };
  pass = pass === 0xffffffff ? 1 : pass + 1;
  if (pass === 1) seenAt.fill(0);
  let off = aOff;
  while (off < end) {
    const flags = body[off];
    const headLen = flags & AttrFlag.EXTENDED_LENGTH ? 4 : 3;
    // RFC 7606 §4: an attribute that overruns the total attribute length is treat-as-withdraw;
    // the total length still locates the NLRI.
    if (end - off < headLen) {
      errors.push(updateError('BGP_ERR_ATTR_OVERRUN', 'truncated attribute header at the end of the attributes', 'treat-as-withdraw', UpdateSubcode.MALFORMED_ATTRIBUTE_LIST));
      break;
    }
    const type = body[off + 1];
    const len = headLen === 4 ? body.readUInt16BE(off + 2) : body[off + 2];
    if (end - off - headLen < len) {
      // RFC 7606 §5.3: the MP attributes carry NLRI that can then not be located at all.
      if (type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI) {
        return reset('BGP_ERR_ATTR_OVERRUN', `MP attribute ${type} of ${len} octets overruns the attributes`, UpdateSubcode.ATTRIBUTE_LENGTH, Buffer.from(body.subarray(off, end)));
      }
      errors.push(updateError('BGP_ERR_ATTR_OVERRUN', `attribute ${type} of ${len} octets overruns the attributes`, 'treat-as-withdraw', UpdateSubcode.ATTRIBUTE_LENGTH, undefined, type));
      break;
    }
    const at = off;
    off += headLen + len;
    if (seenAt[type] === pass) {
      // RFC 7606 §3(g): a repeated MP attribute resets; other repeats are discarded.
      if (type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI) return reset('BGP_ERR_ATTR_DUPLICATE_MP', `MP attribute ${type} appears twice`);
      errors.push(updateError('BGP_ERR_ATTR_DUPLICATE', `attribute ${type} appears twice; the repeat is discarded`, 'attribute-discard', UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, undefined, type));
      continue;
    }
    seenAt[type] = pass;
    const e = decodeAttribute(flags, type, body, at, at + headLen, len, ctx, s);
    if (e) {
      if (e.action === 'session-reset' || e.action === 'afisafi-disable') return { ok: false, error: e };
      errors.push(e);
    }
  }
  if (!ctx.fourOctetAs) mergeAs4(s);
  const attrs = s.attrs;

  // RFC 7606 §3(d): missing well-known mandatory attributes, only when there are routes to
  // announce. NEXT_HOP only for IPv4 NLRI in the NLRI field (RFC 4760 §3): EVPN needs none.
  // An attribute present but malformed has its own error already.
  if (nlri.length > 0 || (attrs.mpReach !== undefined && attrs.mpReach.nlri.length > 0)) {
    const missing: number[] = [];
    if (seenAt[AttrType.ORIGIN] !== pass) missing.push(AttrType.ORIGIN);
    if (seenAt[AttrType.AS_PATH] !== pass) missing.push(AttrType.AS_PATH);
    if (nlri.length > 0 && seenAt[AttrType.NEXT_HOP] !== pass) missing.push(AttrType.NEXT_HOP);
    if (missing.length > 0) {
      // RFC 4271 §6.3: the data is the type code of the missing attribute.
      errors.push(updateError('BGP_ERR_ATTR_MISSING', `missing well-known attribute(s) ${missing.join(', ')}`, 'treat-as-withdraw', UpdateSubcode.MISSING_WELL_KNOWN, Buffer.from([missing[0]]), missing[0]));
    }
  }
  return { ok: true, value: { type: 'update', withdrawn, attributes: attrs, nlri }, errors };
}

/** Writes an UPDATE body. */
export function encodeUpdate(w: Writer, m: UpdateMessage, ctx: CodecContext): void {
  const wAt = w.hole16();
  encodeIpv4Prefixes(w, m.withdrawn);
  w.patch16(wAt);
  const aAt = w.hole16();
  encodeAttributes(w, m.attributes, ctx);
  w.patch16(aAt);
  encodeIpv4Prefixes(w, m.nlri);
}

/** Whether any non-fatal error asks for treat-as-withdraw (RFC 7606 §2). */
export function treatAsWithdraw(errors: readonly WireError[]): boolean {
  return errors.some((e) => e.action === 'treat-as-withdraw');
}

// ---------------------------------------------------------------- End-of-RIB

/** RFC 4724 §2: an empty UPDATE for ipv4/unicast, an MP_UNREACH with no NLRI otherwise. */
export function endOfRib(family: Family): UpdateMessage {
  const attributes: PathAttributes = {};
  if (!(family.afi === AFI.IPV4 && family.safi === SAFI.UNICAST)) {
    attributes.mpUnreach = { afi: family.afi, safi: family.safi, nlri: Buffer.alloc(0) };
  }
  return { type: 'update', withdrawn: [], attributes, nlri: [] };
}

/** The family an End-of-RIB marker is for, or null when the UPDATE is not one (RFC 4724 §2). */
export function endOfRibFamily(u: UpdateMessage): Family | null {
  if (u.withdrawn.length > 0 || u.nlri.length > 0) return null;
  // The RIB asks this of every UPDATE: the first other attribute settles it.
  for (const k in u.attributes) {
    if (k !== 'mpUnreach' && u.attributes[k as keyof PathAttributes] !== undefined) return null;
  }
  const un = u.attributes.mpUnreach;
  if (!un) return { afi: AFI.IPV4, safi: SAFI.UNICAST };
  return un.nlri.length === 0 ? { afi: un.afi, safi: un.safi } : null;
}
