/**
 * Path attributes (RFC 4271 §4.3, §5) from one registry: per type code the expected
 * flags, the decoder, the encoder and the RFC 7606 action for a malformed value.
 *
 * Supported: ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, ATOMIC_AGGREGATE,
 * AGGREGATOR (RFC 4271); COMMUNITIES (RFC 1997); ORIGINATOR_ID, CLUSTER_LIST
 * (RFC 4456); MP_REACH_NLRI, MP_UNREACH_NLRI (RFC 4760); EXTENDED_COMMUNITIES
 * (RFC 4360); AS4_PATH, AS4_AGGREGATOR (RFC 6793); PMSI_TUNNEL (RFC 6514 §5).
 * Unknown optional transitive attributes are kept and passed on with the Partial bit
 * (RFC 4271 §5); unknown optional non-transitive ones are dropped; an unknown
 * well-known one resets the session (3/2).
 *
 * Values stay views into the message where they are opaque (MP NLRI, extended
 * communities, PMSI tunnel id, unknown attributes): no per-octet copies.
 */
import { UpdateSubcode, updateError } from './errors.js';
import { AS_TRANS, AsPathSegmentType } from './types.js';
import type { AsPathSegment, CodecContext, ErrorAction, PathAttributes, WireError } from './types.js';

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

export const AttrFlag = { OPTIONAL: 0x80, TRANSITIVE: 0x40, PARTIAL: 0x20, EXTENDED_LENGTH: 0x10 } as const;

const WELL_KNOWN = AttrFlag.TRANSITIVE;
const OPTIONAL_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;
const OPTIONAL_NON_TRANSITIVE = AttrFlag.OPTIONAL;

/** Working state while decoding one UPDATE's attributes (AS4_* are merged at the end). */
export interface AttrScratch {
  attrs: PathAttributes;
  as4Path?: AsPathSegment[];
  as4Aggregator?: { asn: number; address: string };
}

interface AttrSpec {
  name: string;
  /** Optional and Transitive bits as the type requires them. */
  flags: number;
  /** RFC 7606 action when the value is malformed. */
  onError: ErrorAction;
  /** Returns a reason when the value is malformed. */
  decode(v: Buffer, ctx: CodecContext, s: AttrScratch): string | undefined;
}

function ipv4(b: Buffer, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

function decodeAsPath(v: Buffer, asLen: 2 | 4): AsPathSegment[] | string {
  const segments: AsPathSegment[] = [];
  let off = 0;
  while (off < v.length) {
    if (v.length - off < 2) return 'truncated segment header';
    const type = v[off];
    const count = v[off + 1];
    off += 2;
    // RFC 7606 §7.2: unknown segment type or zero count is malformed.
    if (type < AsPathSegmentType.AS_SET || type > AsPathSegmentType.AS_CONFED_SET) return `segment type ${type}`;
    if (count === 0) return 'empty segment';
    if (v.length - off < count * asLen) return 'segment overruns the attribute';
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++, off += asLen) asns[i] = asLen === 4 ? v.readUInt32BE(off) : v.readUInt16BE(off);
    segments.push({ type, asns });
  }
  return segments;
}

function u32Attr(name: 'med' | 'localPref' | 'originatorId') {
  return (v: Buffer, _c: CodecContext, s: AttrScratch): string | undefined => {
    if (v.length !== 4) return `length ${v.length}, expected 4`;
    s.attrs[name] = v.readUInt32BE(0);
    return undefined;
  };
}

function u32List(v: Buffer): number[] {
  const out = new Array<number>(v.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = v.readUInt32BE(i * 4);
  return out;
}

/** RFC 7606 §7 actions per attribute. */
const REGISTRY: Record<number, AttrSpec> = {
  [AttrType.ORIGIN]: {
    name: 'ORIGIN', flags: WELL_KNOWN, onError: 'treat-as-withdraw', // §7.1
    decode(v, _c, s) {
      if (v.length !== 1) return `length ${v.length}, expected 1`;
      if (v[0] > 2) return `undefined value ${v[0]}`;
      s.attrs.origin = v[0];
      return undefined;
    },
  },
  [AttrType.AS_PATH]: {
    name: 'AS_PATH', flags: WELL_KNOWN, onError: 'treat-as-withdraw', // §7.2
    decode(v, c, s) {
      const r = decodeAsPath(v, c.fourOctetAs ? 4 : 2);
      if (typeof r === 'string') return r;
      s.attrs.asPath = r;
      return undefined;
    },
  },
  [AttrType.NEXT_HOP]: {
    name: 'NEXT_HOP', flags: WELL_KNOWN, onError: 'treat-as-withdraw', // §7.3
    decode(v, _c, s) {
      if (v.length !== 4) return `length ${v.length}, expected 4`;
      s.attrs.nextHop = ipv4(v, 0);
      return undefined;
    },
  },
  [AttrType.MED]: { name: 'MULTI_EXIT_DISC', flags: OPTIONAL_NON_TRANSITIVE, onError: 'treat-as-withdraw', decode: u32Attr('med') }, // §7.4
  [AttrType.LOCAL_PREF]: { name: 'LOCAL_PREF', flags: WELL_KNOWN, onError: 'treat-as-withdraw', decode: u32Attr('localPref') }, // §7.5
  [AttrType.ATOMIC_AGGREGATE]: {
    name: 'ATOMIC_AGGREGATE', flags: WELL_KNOWN, onError: 'attribute-discard', // §7.6
    decode(v, _c, s) {
      if (v.length !== 0) return `length ${v.length}, expected 0`;
      s.attrs.atomicAggregate = true;
      return undefined;
    },
  },
  [AttrType.AGGREGATOR]: {
    name: 'AGGREGATOR', flags: OPTIONAL_TRANSITIVE, onError: 'attribute-discard', // §7.7
    decode(v, c, s) {
      const asLen = c.fourOctetAs ? 4 : 2;
      if (v.length !== asLen + 4) return `length ${v.length}, expected ${asLen + 4}`;
      s.attrs.aggregator = { asn: asLen === 4 ? v.readUInt32BE(0) : v.readUInt16BE(0), address: ipv4(v, asLen) };
      return undefined;
    },
  },
  [AttrType.COMMUNITIES]: {
    name: 'COMMUNITIES', flags: OPTIONAL_TRANSITIVE, onError: 'treat-as-withdraw', // §7.8
    decode(v, _c, s) {
      if (v.length === 0 || v.length % 4 !== 0) return `length ${v.length}, not a non-zero multiple of 4`;
      s.attrs.communities = u32List(v);
      return undefined;
    },
  },
  [AttrType.ORIGINATOR_ID]: { name: 'ORIGINATOR_ID', flags: OPTIONAL_NON_TRANSITIVE, onError: 'treat-as-withdraw', decode: u32Attr('originatorId') }, // §7.9
  [AttrType.CLUSTER_LIST]: {
    name: 'CLUSTER_LIST', flags: OPTIONAL_NON_TRANSITIVE, onError: 'treat-as-withdraw', // §7.10
    decode(v, _c, s) {
      if (v.length === 0 || v.length % 4 !== 0) return `length ${v.length}, not a non-zero multiple of 4`;
      s.attrs.clusterList = u32List(v);
      return undefined;
    },
  },
  [AttrType.MP_REACH_NLRI]: {
    // §7.11: the NLRI cannot be located reliably: session reset.
    name: 'MP_REACH_NLRI', flags: OPTIONAL_NON_TRANSITIVE, onError: 'session-reset',
    decode(v, _c, s) {
      if (v.length < 5) return `length ${v.length}, shorter than 5`;
      const nhLen = v[3];
      if (v.length < 5 + nhLen) return `next hop length ${nhLen} overruns the attribute`;
      s.attrs.mpReach = { afi: v.readUInt16BE(0), safi: v[2], nextHop: v.subarray(4, 4 + nhLen), nlri: v.subarray(5 + nhLen) };
      return undefined;
    },
  },
  [AttrType.MP_UNREACH_NLRI]: {
    name: 'MP_UNREACH_NLRI', flags: OPTIONAL_NON_TRANSITIVE, onError: 'session-reset', // §7.12
    decode(v, _c, s) {
      if (v.length < 3) return `length ${v.length}, shorter than 3`;
      s.attrs.mpUnreach = { afi: v.readUInt16BE(0), safi: v[2], nlri: v.subarray(3) };
      return undefined;
    },
  },
  [AttrType.EXTENDED_COMMUNITIES]: {
    name: 'EXTENDED_COMMUNITIES', flags: OPTIONAL_TRANSITIVE, onError: 'treat-as-withdraw', // §7.14
    decode(v, _c, s) {
      if (v.length === 0 || v.length % 8 !== 0) return `length ${v.length}, not a non-zero multiple of 8`;
      s.attrs.extCommunities = v;
      return undefined;
    },
  },
  [AttrType.AS4_PATH]: {
    // RFC 6793 §6 / RFC 7606 §7.2: a malformed AS4_PATH is discarded.
    name: 'AS4_PATH', flags: OPTIONAL_TRANSITIVE, onError: 'attribute-discard',
    decode(v, c, s) {
      if (c.fourOctetAs) return undefined; // RFC 6793 §4.1: ignored between NEW speakers
      const r = decodeAsPath(v, 4);
      if (typeof r === 'string') return r;
      s.as4Path = r;
      return undefined;
    },
  },
  [AttrType.AS4_AGGREGATOR]: {
    name: 'AS4_AGGREGATOR', flags: OPTIONAL_TRANSITIVE, onError: 'attribute-discard', // RFC 6793 §6
    decode(v, c, s) {
      if (v.length !== 8) return `length ${v.length}, expected 8`;
      if (!c.fourOctetAs) s.as4Aggregator = { asn: v.readUInt32BE(0), address: ipv4(v, 4) };
      return undefined;
    },
  },
  [AttrType.PMSI_TUNNEL]: {
    // RFC 6514 §5 defines no error handling; RFC 7606 §2 default for a route-affecting attribute.
    name: 'PMSI_TUNNEL', flags: OPTIONAL_TRANSITIVE, onError: 'treat-as-withdraw',
    decode(v, _c, s) {
      if (v.length < 5) return `length ${v.length}, shorter than 5`;
      s.attrs.pmsiTunnel = { flags: v[0], tunnelType: v[1], label: v.readUIntBE(2, 3), tunnelId: v.subarray(5) };
      return undefined;
    },
  },
};

export function attrName(type: number): string {
  return REGISTRY[type]?.name ?? `attribute ${type}`;
}

/** The attribute (flags, type, length, value) as NOTIFICATION data (RFC 4271 §6.3). */
function attrData(raw: Buffer): Buffer {
  return Buffer.from(raw);
}

/**
 * Decodes one attribute into the scratch state. Returns an error (with its RFC 7606
 * action) or undefined. `raw` is the whole attribute, `value` its value.
 */
export function decodeAttribute(flags: number, type: number, value: Buffer, raw: Buffer, ctx: CodecContext, s: AttrScratch): WireError | undefined {
  const spec = REGISTRY[type];
  if (!spec) {
    if ((flags & AttrFlag.OPTIONAL) === 0) {
      return updateError('BGP_ERR_ATTR_UNRECOGNIZED_WELL_KNOWN', `unrecognized well-known attribute ${type}`, 'session-reset', UpdateSubcode.UNRECOGNIZED_WELL_KNOWN, attrData(raw), type);
    }
    if (flags & AttrFlag.TRANSITIVE) (s.attrs.unknown ??= []).push({ flags: flags | AttrFlag.PARTIAL, type, value });
    return undefined;
  }
  // RFC 7606 §3(c): Optional/Transitive bits in conflict with the type → malformed.
  if ((flags & (AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE)) !== spec.flags) {
    const action: ErrorAction = spec.onError === 'session-reset' ? 'session-reset' : spec.onError === 'attribute-discard' ? 'attribute-discard' : 'treat-as-withdraw';
    return updateError('BGP_ERR_ATTR_FLAGS', `${spec.name}: flags 0x${flags.toString(16)} conflict with the attribute type`, action, UpdateSubcode.ATTRIBUTE_FLAGS, attrData(raw), type);
  }
  const reason = spec.decode(value, ctx, s);
  if (reason === undefined) return undefined;
  const subcode =
    type === AttrType.ORIGIN && value.length === 1 ? UpdateSubcode.INVALID_ORIGIN
    : type === AttrType.AS_PATH ? UpdateSubcode.MALFORMED_AS_PATH
    : spec.flags & AttrFlag.OPTIONAL ? UpdateSubcode.OPTIONAL_ATTRIBUTE
    : UpdateSubcode.ATTRIBUTE_LENGTH;
  return updateError(`BGP_ERR_ATTR_${spec.name}`, `${spec.name}: ${reason}`, spec.onError, subcode, attrData(raw), type);
}

function countAses(path: readonly AsPathSegment[]): number {
  let n = 0;
  for (const seg of path) {
    if (seg.type === AsPathSegmentType.AS_SEQUENCE) n += seg.asns.length;
    else if (seg.type === AsPathSegmentType.AS_SET) n += 1;
  }
  return n;
}

/**
 * RFC 6793 §4.2.3: rebuilds the 4-octet path of an UPDATE from an OLD speaker: the
 * leading ASes of AS_PATH that AS4_PATH does not cover, then AS4_PATH. AS4_* are
 * ignored when AGGREGATOR names a 2-octet AS other than AS_TRANS.
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
    if (keep === 0) break;
    if (seg.type === AsPathSegmentType.AS_SEQUENCE) {
      const take = Math.min(keep, seg.asns.length);
      merged.push({ type: seg.type, asns: seg.asns.slice(0, take) });
      keep -= take;
    } else if (seg.type === AsPathSegmentType.AS_SET) {
      merged.push(seg);
      keep -= 1;
    } else merged.push(seg);
  }
  a.asPath = [...merged, ...s.as4Path];
}

// ---------------------------------------------------------------- encode

function attr(flags: number, type: number, value: Buffer): Buffer {
  const ext = value.length > 255;
  const head = Buffer.allocUnsafe(ext ? 4 : 3);
  head[0] = (flags & ~AttrFlag.EXTENDED_LENGTH) | (ext ? AttrFlag.EXTENDED_LENGTH : 0);
  head[1] = type;
  if (ext) head.writeUInt16BE(value.length, 2);
  else head[2] = value.length;
  return Buffer.concat([head, value]);
}

function u32Value(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

function u32ListValue(list: readonly number[]): Buffer {
  const b = Buffer.allocUnsafe(4 * list.length);
  list.forEach((n, i) => b.writeUInt32BE(n >>> 0, 4 * i));
  return b;
}

function ipv4Value(text: string): Buffer {
  const parts = text.split('.').map(Number);
  return Buffer.from(parts);
}

function asPathValue(path: readonly AsPathSegment[], asLen: 2 | 4): Buffer {
  const chunks: Buffer[] = [];
  for (const seg of path) {
    // A segment holds at most 255 ASes (RFC 4271 §5.1.2): split longer ones.
    for (let i = 0; i < seg.asns.length; i += 255) {
      const part = seg.asns.slice(i, i + 255);
      const b = Buffer.allocUnsafe(2 + part.length * asLen);
      b[0] = seg.type;
      b[1] = part.length;
      part.forEach((asn, j) => {
        if (asLen === 4) b.writeUInt32BE(asn >>> 0, 2 + 4 * j);
        else b.writeUInt16BE(asn > 0xffff ? AS_TRANS : asn, 2 + 2 * j);
      });
      chunks.push(b);
    }
  }
  return Buffer.concat(chunks);
}

/** Encodes the attributes in type-code order (RFC 4271 §5 recommends ascending order). */
export function encodeAttributes(a: PathAttributes, ctx: CodecContext): Buffer {
  const out: Buffer[] = [];
  const asLen = ctx.fourOctetAs ? 4 : 2;
  if (a.origin !== undefined) out.push(attr(WELL_KNOWN, AttrType.ORIGIN, Buffer.from([a.origin])));
  if (a.asPath) out.push(attr(WELL_KNOWN, AttrType.AS_PATH, asPathValue(a.asPath, asLen)));
  if (a.nextHop !== undefined) out.push(attr(WELL_KNOWN, AttrType.NEXT_HOP, ipv4Value(a.nextHop)));
  if (a.med !== undefined) out.push(attr(OPTIONAL_NON_TRANSITIVE, AttrType.MED, u32Value(a.med)));
  if (a.localPref !== undefined) out.push(attr(WELL_KNOWN, AttrType.LOCAL_PREF, u32Value(a.localPref)));
  if (a.atomicAggregate) out.push(attr(WELL_KNOWN, AttrType.ATOMIC_AGGREGATE, Buffer.alloc(0)));
  const aggAs4 = a.aggregator !== undefined && !ctx.fourOctetAs && a.aggregator.asn > 0xffff;
  if (a.aggregator) {
    const v = Buffer.allocUnsafe(asLen + 4);
    if (asLen === 4) v.writeUInt32BE(a.aggregator.asn >>> 0, 0);
    else v.writeUInt16BE(aggAs4 ? AS_TRANS : a.aggregator.asn, 0);
    ipv4Value(a.aggregator.address).copy(v, asLen);
    out.push(attr(OPTIONAL_TRANSITIVE, AttrType.AGGREGATOR, v));
  }
  if (a.communities?.length) out.push(attr(OPTIONAL_TRANSITIVE, AttrType.COMMUNITIES, u32ListValue(a.communities)));
  if (a.originatorId !== undefined) out.push(attr(OPTIONAL_NON_TRANSITIVE, AttrType.ORIGINATOR_ID, u32Value(a.originatorId)));
  if (a.clusterList?.length) out.push(attr(OPTIONAL_NON_TRANSITIVE, AttrType.CLUSTER_LIST, u32ListValue(a.clusterList)));
  if (a.mpReach) {
    const m = a.mpReach;
    const head = Buffer.allocUnsafe(4);
    head.writeUInt16BE(m.afi, 0);
    head[2] = m.safi;
    head[3] = m.nextHop.length;
    out.push(attr(OPTIONAL_NON_TRANSITIVE, AttrType.MP_REACH_NLRI, Buffer.concat([head, m.nextHop, Buffer.from([0]), m.nlri])));
  }
  if (a.mpUnreach) {
    const head = Buffer.allocUnsafe(3);
    head.writeUInt16BE(a.mpUnreach.afi, 0);
    head[2] = a.mpUnreach.safi;
    out.push(attr(OPTIONAL_NON_TRANSITIVE, AttrType.MP_UNREACH_NLRI, Buffer.concat([head, a.mpUnreach.nlri])));
  }
  if (a.extCommunities?.length) out.push(attr(OPTIONAL_TRANSITIVE, AttrType.EXTENDED_COMMUNITIES, a.extCommunities));
  // RFC 6793 §4.2.2: toward an OLD speaker, 4-octet ASes travel in AS4_PATH / AS4_AGGREGATOR.
  if (!ctx.fourOctetAs && a.asPath?.some((s) => s.asns.some((n) => n > 0xffff))) {
    const as4 = a.asPath.filter((s) => s.type === AsPathSegmentType.AS_SEQUENCE || s.type === AsPathSegmentType.AS_SET);
    out.push(attr(OPTIONAL_TRANSITIVE, AttrType.AS4_PATH, asPathValue(as4, 4)));
  }
  if (aggAs4 && a.aggregator) {
    const v = Buffer.allocUnsafe(8);
    v.writeUInt32BE(a.aggregator.asn >>> 0, 0);
    ipv4Value(a.aggregator.address).copy(v, 4);
    out.push(attr(OPTIONAL_TRANSITIVE, AttrType.AS4_AGGREGATOR, v));
  }
  if (a.pmsiTunnel) {
    const p = a.pmsiTunnel;
    const head = Buffer.allocUnsafe(5);
    head[0] = p.flags;
    head[1] = p.tunnelType;
    head.writeUIntBE(p.label & 0xffffff, 2, 3);
    out.push(attr(OPTIONAL_TRANSITIVE, AttrType.PMSI_TUNNEL, Buffer.concat([head, p.tunnelId])));
  }
  for (const u of a.unknown ?? []) out.push(attr(u.flags | AttrFlag.PARTIAL, u.type, u.value));
  return Buffer.concat(out);
}
