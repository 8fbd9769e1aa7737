/**
 * Path attributes (RFC 4271 §4.3, §5) from one registry table: per type code the
 * required Optional/Transitive flags, the decoder, the encoder and the RFC 7606 action
 * for a malformed value.
 *
 * Supported: ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, ATOMIC_AGGREGATE,
 * AGGREGATOR (RFC 4271); COMMUNITIES (RFC 1997); ORIGINATOR_ID, CLUSTER_LIST
 * (RFC 4456); MP_REACH_NLRI, MP_UNREACH_NLRI (RFC 4760); EXTENDED_COMMUNITIES
 * (RFC 4360); AS4_PATH, AS4_AGGREGATOR (RFC 6793); PMSI_TUNNEL (RFC 6514 §5).
 * Unknown optional transitive attributes are kept and passed on with the Partial bit
 * (RFC 4271 §5); unknown optional non-transitive ones are dropped (reported as an
 * attribute-discard); an unknown well-known one resets the session (3/2).
 *
 * Left out: checks that need session knowledge (LOCAL_PREF from an eBGP peer, AS_CONFED
 * segments from an eBGP peer, RFC 7606 §7.5 and §7.2), large communities, AIGP, BGP
 * prefix-SID; those arrive as unknown attributes.
 *
 * Values stay views into the message where they are opaque (MP NLRI and next hop,
 * extended communities, PMSI tunnel id, unknown attributes): no per-octet copies.
 */
import { UpdateSubcode, updateError } from './errors.js';
import { formatIpv4At, parseIpv4 } from './ipv4.js';
import { AFI, AS_TRANS, AsPathSegmentType, SAFI } from './types.js';
import type { AsPathSegment, CodecContext, ErrorAction, PathAttributes, UnknownAttribute, WireError } from './types.js';
import type { Writer } from './writer.js';

export const AttrType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MED: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  PMSI_TUNNEL: 22,
} as const;

/** RFC 4271 §4.3 attribute flags. */
export const AttrFlag = { OPTIONAL: 0x80, TRANSITIVE: 0x40, PARTIAL: 0x20, EXTENDED_LENGTH: 0x10 } as const;

const WELL_KNOWN = AttrFlag.TRANSITIVE;
const OPTIONAL_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;
const OPTIONAL_NON_TRANSITIVE = AttrFlag.OPTIONAL;
const OT_MASK = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;

/** Working state while decoding one UPDATE's attributes (AS4_* are merged at the end). */
export interface AttrScratch {
  attrs: PathAttributes;
  /** The UPDATE carries IPv4 NLRI in its own NLRI field (RFC 4760 §3: NEXT_HOP matters). */
  ipv4Nlri: boolean;
  as4Path?: AsPathSegment[];
  as4Aggregator?: { asn: number; address: string };
}

/** A malformed value: the UPDATE subcode and a reason for the log. */
interface Fail {
  sub: number;
  why: string;
  /** Overrides the spec's action (MP_REACH: AFI/SAFI disable where RFC 7606 §5.3 allows). */
  action?: ErrorAction;
  family?: { afi: number; safi: number };
}

interface AttrSpec {
  type: number;
  name: string;
  /** Optional and Transitive bits as the type requires them: checked on decode, written on encode. */
  flags: number;
  /** RFC 7606 action when the value is malformed. */
  onError: ErrorAction;
  /** RFC 7606 §3(c) action when the flags conflict with the type (treat-as-withdraw unless the attribute's RFC says otherwise). */
  onFlags: ErrorAction;
  /** Decodes the value at `b[o, o + n)`; stored views are cut only for what is kept. */
  decode(b: Buffer, o: number, n: number, ctx: CodecContext, s: AttrScratch): Fail | undefined;
  /** Writes the value of this type for `a` and returns true, or returns false at once when `a` has none. */
  encode(w: Writer, a: PathAttributes, ctx: CodecContext): boolean;
}

const lengthFail = (got: number, want: string): Fail => ({ sub: UpdateSubcode.ATTRIBUTE_LENGTH, why: `length ${got}, expected ${want}` });

// ---------------------------------------------------------------- attribute framing

/** Reserves an attribute's flags, type and 1-octet length; the value follows. */
function beginAttr(w: Writer): number {
  w.ensure(3);
  const at = w.off;
  w.off += 3;
  return at;
}

/**
 * Closes an attribute: writes its flags and type, and sets the Extended Length bit only
 * when the value exceeds 255 octets (RFC 4271 §4.3).
 */
function endAttr(w: Writer, at: number, flags: number, type: number): void {
  const len = w.off - at - 3;
  w.buf[at] = flags & ~AttrFlag.EXTENDED_LENGTH;
  w.buf[at + 1] = type;
  if (len <= 255) {
    w.buf[at + 2] = len;
    return;
  }
  w.ensure(1);
  w.buf.copyWithin(at + 4, at + 3, w.off);
  w.off++;
  w.buf[at] |= AttrFlag.EXTENDED_LENGTH;
  w.buf.writeUInt16BE(len, at + 2);
}

function writeIpv4(w: Writer, text: string): void {
  const n = parseIpv4(text);
  // The model is built by our own code; a bad address there is a bug, not input.
  if (n === undefined) throw new TypeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  w.u32(n);
}

// ---------------------------------------------------------------- AS paths

function decodeAsPath(b: Buffer, o: number, n: number, asLen: 2 | 4): AsPathSegment[] | Fail {
  const segments: AsPathSegment[] = [];
  let off = o;
  const end = o + n;
  while (off < end) {
    if (end - off < 2) return { sub: UpdateSubcode.MALFORMED_AS_PATH, why: 'truncated segment header' };
    const type = b[off];
    const count = b[off + 1];
    off += 2;
    // RFC 7606 §7.2: an unrecognized segment type, a zero segment length or an overrun is malformed.
    if (type < AsPathSegmentType.AS_SET || type > AsPathSegmentType.AS_CONFED_SET) return { sub: UpdateSubcode.MALFORMED_AS_PATH, why: `segment type ${type}` };
    if (count === 0) return { sub: UpdateSubcode.MALFORMED_AS_PATH, why: 'empty segment' };
    if (end - off < count * asLen) return { sub: UpdateSubcode.MALFORMED_AS_PATH, why: 'segment overruns the attribute' };
    const asns = new Array<number>(count);
    if (asLen === 4) for (let i = 0; i < count; i++, off += 4) asns[i] = b.readUInt32BE(off);
    else for (let i = 0; i < count; i++, off += 2) asns[i] = b.readUInt16BE(off);
    segments.push({ type, asns });
  }
  return segments;
}

/** A path as segments of at most 255 ASes (RFC 4271 §4.3); 4-octet ASes become AS_TRANS in 2-octet form (RFC 6793 §4.2.2). */
function writeAsPath(w: Writer, path: readonly AsPathSegment[], asLen: 2 | 4): void {
  for (const seg of path) {
    for (let i = 0; i < seg.asns.length; i += 255) {
      const n = Math.min(255, seg.asns.length - i);
      w.ensure(2 + n * asLen);
      w.buf[w.off++] = seg.type;
      w.buf[w.off++] = n;
      for (let j = i; j < i + n; j++) {
        const asn = seg.asns[j];
        if (asLen === 4) {
          w.buf.writeUInt32BE(asn >>> 0, w.off);
          w.off += 4;
        } else {
          w.buf.writeUInt16BE(asn > 0xffff ? AS_TRANS : asn, w.off);
          w.off += 2;
        }
      }
    }
  }
}

const isConfed = (s: AsPathSegment): boolean => s.type === AsPathSegmentType.AS_CONFED_SEQUENCE || s.type === AsPathSegmentType.AS_CONFED_SET;

/** RFC 6793 §4.2.2: AS4_PATH is needed toward an OLD speaker when the path holds a 4-octet AS. */
function needsAs4Path(path: readonly AsPathSegment[] | undefined): boolean {
  if (!path) return false;
  for (const s of path) if (!isConfed(s)) for (const asn of s.asns) if (asn > 0xffff) return true;
  return false;
}

/** Path length for the RFC 6793 §4.2.3 merge: an AS_SET counts one, confederation segments none. */
function countAses(path: readonly AsPathSegment[]): number {
  let n = 0;
  for (const seg of path) {
    if (seg.type === AsPathSegmentType.AS_SEQUENCE) n += seg.asns.length;
    else if (seg.type === AsPathSegmentType.AS_SET) n += 1;
  }
  return n;
}

/**
 * RFC 6793 §4.2.3: rebuilds the path of an UPDATE from an OLD speaker: the leading
 * ASes of AS_PATH that AS4_PATH does not cover, then AS4_PATH. AS4_* are ignored when
 * AGGREGATOR names an AS other than AS_TRANS, and AS4_PATH when it is longer than AS_PATH.
 */
export function mergeAs4(s: AttrScratch): void {
  const a = s.attrs;
  if (a.aggregator && a.aggregator.asn !== AS_TRANS) return;
  if (s.as4Aggregator && a.aggregator) a.aggregator = s.as4Aggregator;
  if (!s.as4Path || !a.asPath) return;
  const n = countAses(a.asPath);
  const m = countAses(s.as4Path);
  if (m > n) return;
  let keep = n - m;
  const merged: AsPathSegment[] = [];
  for (const seg of a.asPath) {
    if (isConfed(seg)) {
      // Confederation segments lead the path and are not counted: they stay.
      merged.push(seg);
      continue;
    }
    if (keep === 0) break;
    if (seg.type === AsPathSegmentType.AS_SEQUENCE) {
      const take = Math.min(keep, seg.asns.length);
      merged.push(take === seg.asns.length ? seg : { type: seg.type, asns: seg.asns.slice(0, take) });
      keep -= take;
    } else {
      merged.push(seg);
      keep -= 1;
    }
  }
  if (merged.length === 0) {
    a.asPath = s.as4Path;
    return;
  }
  // The leading ASes are prepended to AS4_PATH: a sequence cut from AS_PATH and the one
  // opening AS4_PATH form one AS_SEQUENCE, as the path was before the OLD speaker.
  const last = merged[merged.length - 1];
  const first = s.as4Path[0];
  if (first && last.type === AsPathSegmentType.AS_SEQUENCE && first.type === AsPathSegmentType.AS_SEQUENCE && last.asns.length + first.asns.length <= 255) {
    merged[merged.length - 1] = { type: last.type, asns: [...last.asns, ...first.asns] };
    a.asPath = [...merged, ...s.as4Path.slice(1)];
    return;
  }
  a.asPath = [...merged, ...s.as4Path];
}

// ---------------------------------------------------------------- fixed-size helpers

type U32Key = 'med' | 'localPref' | 'originatorId';

function u32Decode(key: U32Key) {
  return (b: Buffer, o: number, n: number, _c: CodecContext, s: AttrScratch): Fail | undefined => {
    if (n !== 4) return lengthFail(n, '4');
    s.attrs[key] = b.readUInt32BE(o);
    return undefined;
  };
}

function u32Encode(key: U32Key) {
  return (w: Writer, a: PathAttributes): boolean => {
    const n = a[key];
    if (n === undefined) return false;
    w.u32(n);
    return true;
  };
}

type U32ListKey = 'communities' | 'clusterList';

/** A non-empty list of 4-octet values (COMMUNITIES, CLUSTER_LIST). */
function u32ListDecode(key: U32ListKey) {
  return (b: Buffer, o: number, n: number, _c: CodecContext, s: AttrScratch): Fail | undefined => {
    if (n === 0 || n % 4 !== 0) return lengthFail(n, 'a non-zero multiple of 4');
    const out = new Array<number>(n >> 2);
    for (let i = 0; i < out.length; i++) out[i] = b.readUInt32BE(o + (i << 2));
    s.attrs[key] = out;
    return undefined;
  };
}

function u32ListEncode(key: U32ListKey) {
  return (w: Writer, a: PathAttributes): boolean => {
    const list = a[key];
    if (!list || list.length === 0) return false;
    for (const n of list) w.u32(n);
    return true;
  };
}

/** Expected MP_REACH next hop lengths for the families we know (RFC 4760 §3, RFC 2545 §3, RFC 7432 §7/RFC 8365). */
function nextHopLengthOk(afi: number, safi: number, len: number): boolean {
  if (afi === AFI.IPV4 && safi === SAFI.UNICAST) return len === 4;
  if (afi === AFI.IPV6 && safi === SAFI.UNICAST) return len === 16 || len === 32;
  if (afi === AFI.L2VPN && safi === SAFI.EVPN) return len === 4 || len === 16 || len === 32;
  return true;
}

// ---------------------------------------------------------------- the registry

/** RFC 7606 §7 gives the actions, cited per entry. Ordered by type code: encode follows it (RFC 4271 §5). */
const SPECS: AttrSpec[] = [
  {
    type: AttrType.ORIGIN, name: 'ORIGIN', flags: WELL_KNOWN, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw', // RFC 7606 §7.1
    decode(b, o, n, _c, s) {
      if (n !== 1) return lengthFail(n, '1');
      if (b[o] > 2) return { sub: UpdateSubcode.INVALID_ORIGIN, why: `undefined value ${b[o]}` };
      s.attrs.origin = b[o];
      return undefined;
    },
    encode(w, a) {
      if (a.origin === undefined) return false;
      w.u8(a.origin);
      return true;
    },
  },
  {
    type: AttrType.AS_PATH, name: 'AS_PATH', flags: WELL_KNOWN, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw', // RFC 7606 §7.2
    decode(b, o, n, c, s) {
      const r = decodeAsPath(b, o, n, c.fourOctetAs ? 4 : 2);
      if (!Array.isArray(r)) return r;
      s.attrs.asPath = r;
      return undefined;
    },
    encode(w, a, c) {
      if (!a.asPath) return false;
      writeAsPath(w, a.asPath, c.fourOctetAs ? 4 : 2);
      return true;
    },
  },
  {
    // RFC 7606 §7.3; without IPv4 NLRI the attribute is ignored instead (RFC 4760 §3), see decodeAttribute.
    type: AttrType.NEXT_HOP, name: 'NEXT_HOP', flags: WELL_KNOWN, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw',
    decode(b, o, n, _c, s) {
      if (n !== 4) return lengthFail(n, '4');
      s.attrs.nextHop = formatIpv4At(b, o);
      return undefined;
    },
    encode(w, a) {
      if (a.nextHop === undefined) return false;
      writeIpv4(w, a.nextHop);
      return true;
    },
  },
  {
    type: AttrType.MED, name: 'MULTI_EXIT_DISC', flags: OPTIONAL_NON_TRANSITIVE, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw', // RFC 7606 §7.4
    decode: u32Decode('med'),
    encode: u32Encode('med'),
  },
  {
    type: AttrType.LOCAL_PREF, name: 'LOCAL_PREF', flags: WELL_KNOWN, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw', // RFC 7606 §7.5
    decode: u32Decode('localPref'),
    encode: u32Encode('localPref'),
  },
  {
    type: AttrType.ATOMIC_AGGREGATE, name: 'ATOMIC_AGGREGATE', flags: WELL_KNOWN, onError: 'attribute-discard', onFlags: 'treat-as-withdraw', // RFC 7606 §7.6
    decode(b, o, n, _c, s) {
      if (n !== 0) return lengthFail(n, '0');
      s.attrs.atomicAggregate = true;
      return undefined;
    },
    encode: (_w, a) => a.atomicAggregate === true,
  },
  {
    type: AttrType.AGGREGATOR, name: 'AGGREGATOR', flags: OPTIONAL_TRANSITIVE, onError: 'attribute-discard', onFlags: 'treat-as-withdraw', // RFC 7606 §7.7
    decode(b, o, n, c, s) {
      const asLen = c.fourOctetAs ? 4 : 2;
      if (n !== asLen + 4) return lengthFail(n, String(asLen + 4));
      s.attrs.aggregator = { asn: asLen === 4 ? b.readUInt32BE(o) : b.readUInt16BE(o), address: formatIpv4At(b, o + asLen) };
      return undefined;
    },
    encode(w, a, c) {
      if (!a.aggregator) return false;
      if (c.fourOctetAs) w.u32(a.aggregator.asn);
      else w.u16(a.aggregator.asn > 0xffff ? AS_TRANS : a.aggregator.asn); // RFC 6793 §4.2.2
      writeIpv4(w, a.aggregator.address);
      return true;
    },
  },
  {
    type: AttrType.COMMUNITIES, name: 'COMMUNITIES', flags: OPTIONAL_TRANSITIVE, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw', // RFC 7606 §7.8
    decode: u32ListDecode('communities'),
    encode: u32ListEncode('communities'),
  },
  {
    type: AttrType.ORIGINATOR_ID, name: 'ORIGINATOR_ID', flags: OPTIONAL_NON_TRANSITIVE, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw', // RFC 7606 §7.9
    decode: u32Decode('originatorId'),
    encode: u32Encode('originatorId'),
  },
  {
    type: AttrType.CLUSTER_LIST, name: 'CLUSTER_LIST', flags: OPTIONAL_NON_TRANSITIVE, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw', // RFC 7606 §7.10
    decode: u32ListDecode('clusterList'),
    encode: u32ListEncode('clusterList'),
  },
  {
    // RFC 7606 §7.11 and §5.3: the NLRI cannot be trusted; session reset, or AFI/SAFI
    // disable when the family is readable. A flags error still decodes, so the routes
    // can be treated as withdrawn (§3(c)).
    type: AttrType.MP_REACH_NLRI, name: 'MP_REACH_NLRI', flags: OPTIONAL_NON_TRANSITIVE, onError: 'session-reset', onFlags: 'treat-as-withdraw',
    decode(b, o, n, _c, s) {
      if (n < 5) return { sub: UpdateSubcode.OPTIONAL_ATTRIBUTE, why: `length ${n}, shorter than 5` };
      const afi = b.readUInt16BE(o);
      const safi = b[o + 2];
      const nhLen = b[o + 3];
      const family = { afi, safi };
      if (n < 5 + nhLen) return { sub: UpdateSubcode.OPTIONAL_ATTRIBUTE, why: `next hop length ${nhLen} overruns the attribute`, action: 'afisafi-disable', family };
      if (!nextHopLengthOk(afi, safi, nhLen)) {
        return { sub: UpdateSubcode.OPTIONAL_ATTRIBUTE, why: `next hop length ${nhLen} invalid for AFI ${afi} SAFI ${safi}`, action: 'afisafi-disable', family };
      }
      // RFC 4760 §3: the octet after the next hop is reserved and ignored.
      s.attrs.mpReach = { afi, safi, nextHop: b.subarray(o + 4, o + 4 + nhLen), nlri: b.subarray(o + 5 + nhLen, o + n) };
      return undefined;
    },
    encode(w, a) {
      const m = a.mpReach;
      if (!m) return false;
      w.u16(m.afi);
      w.u8(m.safi);
      w.u8(m.nextHop.length);
      w.bytes(m.nextHop);
      w.u8(0);
      w.bytes(m.nlri);
      return true;
    },
  },
  {
    type: AttrType.MP_UNREACH_NLRI, name: 'MP_UNREACH_NLRI', flags: OPTIONAL_NON_TRANSITIVE, onError: 'session-reset', onFlags: 'treat-as-withdraw', // RFC 7606 §7.12
    decode(b, o, n, _c, s) {
      if (n < 3) return { sub: UpdateSubcode.OPTIONAL_ATTRIBUTE, why: `length ${n}, shorter than 3` };
      s.attrs.mpUnreach = { afi: b.readUInt16BE(o), safi: b[o + 2], nlri: b.subarray(o + 3, o + n) };
      return undefined;
    },
    encode(w, a) {
      const m = a.mpUnreach;
      if (!m) return false;
      w.u16(m.afi);
      w.u8(m.safi);
      w.bytes(m.nlri);
      return true;
    },
  },
  {
    type: AttrType.EXTENDED_COMMUNITIES, name: 'EXTENDED_COMMUNITIES', flags: OPTIONAL_TRANSITIVE, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw', // RFC 7606 §7.14
    decode(b, o, n, _c, s) {
      if (n === 0 || n % 8 !== 0) return lengthFail(n, 'a non-zero multiple of 8');
      s.attrs.extCommunities = b.subarray(o, o + n);
      return undefined;
    },
    encode(w, a) {
      if (!a.extCommunities || a.extCommunities.length === 0) return false;
      w.bytes(a.extCommunities);
      return true;
    },
  },
  {
    // RFC 6793 §6 (and RFC 7606 §7.2 on AS4_PATH): a malformed AS4_PATH is discarded.
    type: AttrType.AS4_PATH, name: 'AS4_PATH', flags: OPTIONAL_TRANSITIVE, onError: 'attribute-discard', onFlags: 'attribute-discard',
    decode(b, o, n, c, s) {
      if (c.fourOctetAs) return { sub: UpdateSubcode.OPTIONAL_ATTRIBUTE, why: 'received from a 4-octet AS speaker (RFC 6793 §4.1)' };
      const r = decodeAsPath(b, o, n, 4);
      if (!Array.isArray(r)) return { sub: UpdateSubcode.OPTIONAL_ATTRIBUTE, why: r.why };
      // RFC 6793 §6: confederation segments in AS4_PATH are dropped.
      s.as4Path = r.some(isConfed) ? r.filter((seg) => !isConfed(seg)) : r;
      return undefined;
    },
    encode(w, a, c) {
      if (c.fourOctetAs || !a.asPath || !needsAs4Path(a.asPath)) return false;
      writeAsPath(w, a.asPath.filter((seg) => !isConfed(seg)), 4);
      return true;
    },
  },
  {
    type: AttrType.AS4_AGGREGATOR, name: 'AS4_AGGREGATOR', flags: OPTIONAL_TRANSITIVE, onError: 'attribute-discard', onFlags: 'attribute-discard', // RFC 6793 §6
    decode(b, o, n, c, s) {
      if (c.fourOctetAs) return { sub: UpdateSubcode.OPTIONAL_ATTRIBUTE, why: 'received from a 4-octet AS speaker (RFC 6793 §4.1)' };
      if (n !== 8) return lengthFail(n, '8');
      s.as4Aggregator = { asn: b.readUInt32BE(o), address: formatIpv4At(b, o + 4) };
      return undefined;
    },
    encode(w, a, c) {
      if (c.fourOctetAs || !a.aggregator || a.aggregator.asn <= 0xffff) return false;
      w.u32(a.aggregator.asn);
      writeIpv4(w, a.aggregator.address);
      return true;
    },
  },
  {
    // RFC 6514 §5 defines the layout but no error handling; the attribute steers
    // forwarding, so RFC 7606 §8 guidance applies: treat-as-withdraw.
    type: AttrType.PMSI_TUNNEL, name: 'PMSI_TUNNEL', flags: OPTIONAL_TRANSITIVE, onError: 'treat-as-withdraw', onFlags: 'treat-as-withdraw',
    decode(b, o, n, _c, s) {
      if (n < 5) return lengthFail(n, 'at least 5');
      s.attrs.pmsiTunnel = { flags: b[o], tunnelType: b[o + 1], label: b.readUIntBE(o + 2, 3), tunnelId: b.subarray(o + 5, o + n) };
      return undefined;
    },
    encode(w, a) {
      const p = a.pmsiTunnel;
      if (!p) return false;
      w.u8(p.flags);
      w.u8(p.tunnelType);
      w.u24(p.label);
      w.bytes(p.tunnelId);
      return true;
    },
  },
];

const REGISTRY: Array<AttrSpec | undefined> = new Array<AttrSpec | undefined>(256);
for (const s of SPECS) REGISTRY[s.type] = s;

// ---------------------------------------------------------------- decode

/**
 * Decodes one attribute into the scratch state. Returns an error carrying its RFC 7606
 * action, or undefined. The attribute starts at `b[at]` (flags), its value is
 * `b[o, o + n)`; on error the whole attribute is the NOTIFICATION data (RFC 4271 §6.3).
 */
export function decodeAttribute(flags: number, type: number, b: Buffer, at: number, o: number, n: number, ctx: CodecContext, s: AttrScratch): WireError | undefined {
  const raw = (): Buffer => Buffer.from(b.subarray(at, o + n));
  const spec = REGISTRY[type];
  if (!spec) {
    // RFC 4271 §6.3: an unrecognized well-known attribute is 3/2.
    if ((flags & AttrFlag.OPTIONAL) === 0) {
      return updateError('BGP_ERR_ATTR_UNRECOGNIZED_WELL_KNOWN', `unrecognized well-known attribute ${type}`, 'session-reset', UpdateSubcode.UNRECOGNIZED_WELL_KNOWN, raw(), type);
    }
    // RFC 4271 §5: optional transitive passes on with Partial set; non-transitive is ignored.
    if (flags & AttrFlag.TRANSITIVE) {
      // RFC 4271 §4.3: the low four flag bits are ignored on receipt and sent as zero.
      const u: UnknownAttribute = { flags: (flags & OT_MASK) | AttrFlag.PARTIAL, type, value: b.subarray(o, o + n) };
      (s.attrs.unknown ??= []).push(u);
      return undefined;
    }
    return updateError('BGP_ERR_ATTR_UNRECOGNIZED_OPTIONAL', `unrecognized optional non-transitive attribute ${type} ignored`, 'attribute-discard', UpdateSubcode.OPTIONAL_ATTRIBUTE, raw(), type);
  }
  if ((flags & OT_MASK) !== spec.flags) {
    // RFC 7606 §3(c). The MP attributes are still decoded: their routes must be located to be withdrawn.
    const e = updateError('BGP_ERR_ATTR_FLAGS', `${spec.name}: flags 0x${flags.toString(16)} conflict with the attribute type`, spec.onFlags, UpdateSubcode.ATTRIBUTE_FLAGS, raw(), type);
    if (type !== AttrType.MP_REACH_NLRI && type !== AttrType.MP_UNREACH_NLRI) return e;
    const f = spec.decode(b, o, n, ctx, s);
    return f ? malformed(spec, f, raw(), type) : e;
  }
  const f = spec.decode(b, o, n, ctx, s);
  if (!f) return undefined;
  const e = malformed(spec, f, raw(), type);
  // RFC 4760 §3: without IPv4 NLRI the NEXT_HOP is ignored, so a bad one is only discarded.
  if (type === AttrType.NEXT_HOP && !s.ipv4Nlri) e.action = 'attribute-discard';
  return e;
}

function malformed(spec: AttrSpec, f: Fail, raw: Buffer, type: number): WireError {
  const e = updateError(`BGP_ERR_ATTR_${spec.name}`, `${spec.name}: ${f.why}`, f.action ?? spec.onError, f.sub, raw, type);
  if (f.family) e.family = f.family;
  return e;
}

// ---------------------------------------------------------------- encode

function writeUnknown(w: Writer, u: UnknownAttribute): void {
  // RFC 4271 §5: an unrecognized optional transitive attribute is passed on with Partial set.
  const at = beginAttr(w);
  w.bytes(u.value);
  endAttr(w, at, (u.flags & OT_MASK) | AttrFlag.PARTIAL, u.type);
}

/** Writes the attributes in ascending type order (RFC 4271 §5 recommends it). */
export function encodeAttributes(w: Writer, a: PathAttributes, ctx: CodecContext): void {
  let unknown = a.unknown ?? [];
  if (unknown.length > 1 && unknown.some((u, i) => i > 0 && u.type < unknown[i - 1].type)) unknown = [...unknown].sort((x, y) => x.type - y.type);
  let ui = 0;
  for (const spec of SPECS) {
    while (ui < unknown.length && unknown[ui].type < spec.type) writeUnknown(w, unknown[ui++]);
    // Flags and type come from the registry; an attribute `a` lacks leaves nothing behind.
    const at = beginAttr(w);
    if (spec.encode(w, a, ctx)) endAttr(w, at, spec.flags, spec.type);
    else w.off = at;
  }
  while (ui < unknown.length) writeUnknown(w, unknown[ui++]);
}
