/**
 * `npm run bench -- codec [--messages N] [--routes R] [--chunk BYTES]`: the BGP wire
 * codec on a stream of N realistic EVPN UPDATEs (default 200,000): MP_REACH
 * l2vpn/evpn with R type-2 routes each (default 4, alternating MAC-only and MAC+IPv4,
 * VNI as label), ORIGIN, AS_PATH, LOCAL_PREF and extended communities (route target +
 * VXLAN encapsulation).
 *
 * Decode: the encoded stream cut into TCP-sized chunks (default 65,536 octets, so some
 * messages straddle chunks), through BgpFramer and decodeMessage. Encode: encodeMessage
 * of every UPDATE object. Each side is run once to warm up, then timed over the best
 * of three passes. MB is 10^6 octets of wire data.
 */
import { BgpFramer } from '../src/bgp/wire/framer.js';
import { decodeMessage, encodeMessage } from '../src/bgp/wire/message.js';
import type { CodecContext, UpdateMessage } from '../src/bgp/wire/types.js';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} wants a positive integer`);
  return n;
}

/** RFC 7432 §7.2 MAC/IP route, RD type 1 (192.0.2.P:VNI), ESI 0, tag 0, label = VNI. */
function type2(peer: number, vni: number, mac: number, withIp: boolean): Buffer {
  const b = Buffer.alloc(2 + 33 + (withIp ? 4 : 0));
  b[0] = 2;
  b[1] = b.length - 2;
  b.writeUInt16BE(1, 2);
  b.writeUInt32BE(0xc0000200 + peer, 4);
  b.writeUInt16BE(vni & 0xffff, 8);
  // ESI (10) and Ethernet tag (4) stay zero.
  let o = 24;
  b[o++] = 48;
  b.writeUInt16BE(0x0200, o);
  b.writeUInt32BE(mac >>> 0, o + 2);
  o += 6;
  b[o++] = withIp ? 32 : 0;
  if (withIp) {
    b.writeUInt32BE((0x0a000000 + mac) >>> 0, o);
    o += 4;
  }
  b.writeUIntBE(vni, o, 3);
  return b;
}

function buildUpdates(messages: number, routes: number): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  let mac = 1;
  for (let i = 0; i < messages; i++) {
    const peer = 1 + (i % 4);
    const vni = 5000 + (i % 100);
    const nlri = Buffer.concat(Array.from({ length: routes }, (_, r) => type2(peer, vni, mac++, r % 2 === 1)));
    const ext = Buffer.alloc(16);
    ext.writeUInt16BE(0x0002, 0); // RFC 4360 route target, 2-octet AS
    ext.writeUInt16BE(65000, 2);
    ext.writeUInt32BE(vni, 4);
    ext.writeUInt16BE(0x030c, 8); // RFC 9012 encapsulation, tunnel type 8 (VXLAN)
    ext.writeUInt16BE(8, 14);
    out.push({
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: {
        origin: 0,
        asPath: [{ type: 2, asns: [65000 + peer, 65100] }],
        localPref: 100,
        mpReach: { afi: 25, safi: 70, nextHop: Buffer.from([192, 0, 2, peer]), nlri },
        extCommunities: ext,
      },
    });
  }
  return out;
}

function bestOf<T>(passes: number, fn: () => T): { ms: number; result: T } {
  let ms = Infinity;
  let result = fn(); // warm-up
  for (let i = 0; i < passes; i++) {
    const t0 = performance.now();
    result = fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, result };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const messages = option(args, 'messages', 200_000);
  const routes = option(args, 'routes', 4);
  const chunkSize = option(args, 'chunk', 65_536);
  const ctx: CodecContext = { fourOctetAs: true };
  const updates = buildUpdates(messages, routes);

  // The stream to decode, built once; the timed encode passes keep nothing alive.
  const stream = Buffer.concat(updates.map((u) => encodeMessage(u, ctx)));
  const enc = bestOf(3, () => {
    let octets = 0;
    for (const u of updates) octets += encodeMessage(u, ctx).length;
    return octets;
  });
  if (enc.result !== stream.length) throw new Error('encode passes disagree');
  const chunks: Buffer[] = [];
  for (let o = 0; o < stream.length; o += chunkSize) chunks.push(stream.subarray(o, o + chunkSize));

  const dec = bestOf(3, () => {
    const framer = new BgpFramer();
    let decoded = 0;
    let nlriOctets = 0;
    for (const chunk of chunks) {
      const { frames, error } = framer.push(chunk);
      if (error) throw new Error(`framing failed: ${error.message}`);
      for (const f of frames) {
        const r = decodeMessage(f, ctx);
        if (!r.ok || r.value.type !== 'update' || r.errors.length > 0) throw new Error('decode failed');
        nlriOctets += r.value.attributes.mpReach?.nlri.length ?? 0;
        decoded++;
      }
    }
    return { decoded, nlriOctets };
  });
  if (dec.result.decoded !== messages) throw new Error(`decoded ${dec.result.decoded} of ${messages} messages`);

  const mb = stream.length / 1e6;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    decode_msgs_per_s: Math.round(messages / (dec.ms / 1000)),
    decode_mb_per_s: round(mb / (dec.ms / 1000)),
    encode_msgs_per_s: Math.round(messages / (enc.ms / 1000)),
    encode_mb_per_s: round(mb / (enc.ms / 1000)),
    messages,
    routes_per_message: routes,
    stream_octets: stream.length,
    mean_message_octets: Math.round(stream.length / messages),
    chunk_octets: chunkSize,
    unit: 'messages/s and MB/s (10^6 octets of wire data) of EVPN UPDATEs, best of 3 passes after a warm-up; decode = BgpFramer + decodeMessage over chunked stream, encode = encodeMessage',
  };
}
