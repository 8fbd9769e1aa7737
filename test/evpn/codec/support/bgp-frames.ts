/**
 * Just enough BGP framing for codec tests (RFC 4271 §4.1, §4.3; RFC 4760 §3, §4):
 * split a byte stream into messages, pull the EVPN-relevant attributes out of
 * an UPDATE, and build an UPDATE around an EVPN NLRI field. The product's BGP
 * codec lives in src/bgp/wire; this stays independent of it on purpose, so
 * the EVPN vectors are checked without depending on work in progress there.
 */

export interface RawUpdateParts {
  /** MP_REACH_NLRI (14) for AFI 25 / SAFI 70. */
  reach?: { nextHop: Buffer; nlri: Buffer };
  /** MP_UNREACH_NLRI (15) for AFI 25 / SAFI 70. */
  unreach?: { nlri: Buffer };
  /** EXTENDED_COMMUNITIES (16) value. */
  extCommunities?: Buffer;
  /** PMSI_TUNNEL (22). */
  pmsi?: { flags: number; tunnelType: number; label: number; tunnelId: Buffer };
}

/** Splits complete messages off the front of `buf`; returns them and the rest. */
export function splitMessages(buf: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let off = 0;
  while (buf.length - off >= 19) {
    const len = buf.readUInt16BE(off + 16);
    if (len < 19 || buf.length - off < len) break;
    messages.push(buf.subarray(off, off + len));
    off += len;
  }
  return { messages, rest: buf.subarray(off) };
}

/** Reads the EVPN parts of a whole UPDATE message (header included); undefined when not an UPDATE. */
export function parseUpdate(msg: Buffer): RawUpdateParts | undefined {
  if (msg[18] !== 2) return undefined;
  let o = 19;
  const withdrawnLen = msg.readUInt16BE(o);
  o += 2 + withdrawnLen;
  const attrLen = msg.readUInt16BE(o);
  o += 2;
  const end = o + attrLen;
  const out: RawUpdateParts = {};
  while (o < end) {
    const flags = msg[o];
    const type = msg[o + 1];
    const ext = (flags & 0x10) !== 0;
    const len = ext ? msg.readUInt16BE(o + 2) : msg[o + 2];
    const v = o + (ext ? 4 : 3);
    const value = msg.subarray(v, v + len);
    if (type === 14 && value.readUInt16BE(0) === 25 && value[2] === 70) {
      const nhLen = value[3];
      out.reach = { nextHop: value.subarray(4, 4 + nhLen), nlri: value.subarray(4 + nhLen + 1) };
    } else if (type === 15 && value.readUInt16BE(0) === 25 && value[2] === 70) {
      out.unreach = { nlri: value.subarray(3) };
    } else if (type === 16) {
      out.extCommunities = value;
    } else if (type === 22) {
      out.pmsi = { flags: value[0], tunnelType: value[1], label: value.readUIntBE(2, 3), tunnelId: value.subarray(5) };
    }
    o = v + len;
  }
  return out;
}

function attr(flags: number, type: number, value: Buffer): Buffer {
  if (value.length > 255) {
    const h = Buffer.from([flags | 0x10, type, 0, 0]);
    h.writeUInt16BE(value.length, 2);
    return Buffer.concat([h, value]);
  }
  return Buffer.concat([Buffer.from([flags, type, value.length]), value]);
}

/**
 * An UPDATE announcing `nlri` (AFI 25 / SAFI 70) with ORIGIN IGP, an AS_PATH of
 * one 4-octet AS, the given next hop and optional extended communities and PMSI.
 */
export function buildEvpnUpdate(opts: {
  asn: number;
  nextHop: Buffer;
  nlri: Buffer;
  extCommunities?: Buffer;
  pmsi?: { flags: number; tunnelType: number; label: number; tunnelId: Buffer };
}): Buffer {
  const asPath = Buffer.alloc(6);
  asPath[0] = 2;
  asPath[1] = 1;
  asPath.writeUInt32BE(opts.asn, 2);
  const reachHead = Buffer.from([0, 25, 70, opts.nextHop.length]);
  const parts = [
    attr(0x40, 1, Buffer.from([0])),
    attr(0x40, 2, asPath),
    attr(0x80, 14, Buffer.concat([reachHead, opts.nextHop, Buffer.from([0]), opts.nlri])),
  ];
  if (opts.extCommunities) parts.push(attr(0xc0, 16, opts.extCommunities));
  if (opts.pmsi) {
    const v = Buffer.alloc(5);
    v[0] = opts.pmsi.flags;
    v[1] = opts.pmsi.tunnelType;
    v.writeUIntBE(opts.pmsi.label, 2, 3);
    parts.push(attr(0xc0, 22, Buffer.concat([v, opts.pmsi.tunnelId])));
  }
  const attrs = Buffer.concat(parts);
  const body = Buffer.alloc(4);
  body.writeUInt16BE(attrs.length, 2);
  const header = Buffer.alloc(19, 0xff);
  header.writeUInt16BE(19 + 4 + attrs.length, 16);
  header[18] = 2;
  return Buffer.concat([header, body, attrs]);
}

/** An OPEN with the multiprotocol l2vpn/evpn and 4-octet AS capabilities (RFC 4760 §8, RFC 6793). */
export function buildOpen(asn: number, bgpId: number, holdTime: number): Buffer {
  const caps = Buffer.from([1, 4, 0, 25, 0, 70, 65, 4, 0, 0, 0, 0]);
  caps.writeUInt32BE(asn, 8);
  const opt = Buffer.concat([Buffer.from([2, caps.length]), caps]);
  const body = Buffer.alloc(10);
  body[0] = 4;
  body.writeUInt16BE(asn > 0xffff ? 23456 : asn, 1);
  body.writeUInt16BE(holdTime, 3);
  body.writeUInt32BE(bgpId, 5);
  body[9] = opt.length;
  const header = Buffer.alloc(19, 0xff);
  header.writeUInt16BE(19 + body.length + opt.length, 16);
  header[18] = 1;
  return Buffer.concat([header, body, opt]);
}

export function buildKeepalive(): Buffer {
  const b = Buffer.alloc(19, 0xff);
  b.writeUInt16BE(19, 16);
  b[18] = 4;
  return b;
}

/**
 * A pcap file (libpcap format, Ethernet link type) holding each message in its
 * own Ethernet/IPv4/TCP frame from 192.0.2.1:179 to 192.0.2.2:40000, with
 * consecutive sequence numbers so a dissector reads one clean stream.
 */
export function buildPcap(messages: Buffer[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const frames: Buffer[] = [global];
  let seq = 1000;
  messages.forEach((payload, i) => {
    const eth = Buffer.from('020000000002020000000001' + '0800', 'hex');
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 20 + payload.length, 2);
    ip.writeUInt16BE(i + 1, 4);
    ip[8] = 64;
    ip[9] = 6;
    ip.writeUInt32BE(0xc0000201, 12);
    ip.writeUInt32BE(0xc0000202, 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(179, 0);
    tcp.writeUInt16BE(40000, 2);
    tcp.writeUInt32BE(seq, 4);
    tcp.writeUInt32BE(1, 8);
    tcp[12] = 5 << 4;
    tcp[13] = 0x18; // PSH, ACK
    tcp.writeUInt16BE(65535, 14);
    seq += payload.length;
    const frame = Buffer.concat([eth, ip, tcp, payload]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1700000000 + i, 0);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    frames.push(rec, frame);
  });
  return Buffer.concat(frames);
}
