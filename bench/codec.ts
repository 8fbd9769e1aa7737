/**
 * `npm run bench -- codec [--messages N] [--routes R] [--chunk BYTES]`: the BGP wire
 * codec on a stream of N realistic EVPN UPDATEs (default 200,000): MP_REACH
 * l2vpn/evpn with R type-2 routes each (default 4, alternating MAC-only and MAC+IPv4,
 * VNI as label, built with src/evpn/nlri.ts), ORIGIN, AS_PATH, LOCAL_PREF and extended
 * communities (route target + VXLAN encapsulation, built with src/evpn/ext-communities.ts).
 *
 * Decode: the encoded stream cut into TCP-sized chunks (default 65,536 octets, so some
 * messages straddle chunks), through BgpFramer and decodeMessage. Encode: encodeMessage
 * of every UPDATE object. Each side is run once to warm up, then timed over the best
 * of three passes. MB is 10^6 octets of wire data.
 */
import { BgpFramer } from '../src/bgp/wire/framer.js';
import { decodeMessage, encodeMessage } from '../src/bgp/wire/message.js';
import type { CodecContext, UpdateMessage } from '../src/bgp/wire/types.js';
import { buildEvpnCommunities, TunnelType } from '../src/evpn/ext-communities.js';
import { decodeEvpnNlri, encodeEvpnNlri } from '../src/evpn/nlri.js';
import type { EvpnRoute } from '../src/evpn/types.js';
import { option } from './options.js';

const ESI0 = '00000000000000000000';

/** R type-2 routes (RFC 7432 §7.2), RD 192.0.2.P:VNI, ESI 0, tag 0, label = VNI, every other one with an IPv4 address. */
function routesOf(peer: number, vni: number, firstMac: number, routes: number): EvpnRoute[] {
  const out: EvpnRoute[] = [];
  for (let r = 0; r < routes; r++) {
    const mac = 0x020000000000 + firstMac + r;
    const route: EvpnRoute = { type: 2, rd: `192.0.2.${peer}:${vni}`, esi: ESI0, ethTag: 0, mac, label1: vni };
    if (r % 2 === 1) route.ip = { v: 4, addr: (0x0a000000 + firstMac + r) >>> 0 };
    out.push(route);
  }
  return out;
}

function buildUpdates(messages: number, routes: number): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  for (let i = 0; i < messages; i++) {
    const peer = 1 + (i % 4);
    const vni = 5000 + (i % 100);
    out.push({
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: {
        origin: 0,
        asPath: [{ type: 2, asns: [65000 + peer, 65100] }],
        localPref: 100,
        mpReach: { afi: 25, safi: 70, nextHop: Buffer.from([192, 0, 2, peer]), nlri: encodeEvpnNlri(routesOf(peer, vni, 1 + i * routes, routes)) },
        // RFC 4360 route target and RFC 9012 §4.1 encapsulation, as origination writes them.
        extCommunities: buildEvpnCommunities({ routeTargets: [`65000:${vni}`], encapsulation: TunnelType.VXLAN }),
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

  // The stream carries what was built: the last UPDATE's routes read back through the EVPN codec.
  const last = decodeMessage(encodeMessage(updates[messages - 1], ctx), ctx);
  const back = last.ok && last.value.type === 'update' && last.value.attributes.mpReach ? decodeEvpnNlri(last.value.attributes.mpReach.nlri) : undefined;
  if (!back || 'fatal' in back || back.routes.length !== routes) throw new Error('EVPN NLRI did not read back');

  const mb = stream.length / 1e6;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    messages,
    decode_msgs_per_s: Math.round(messages / (dec.ms / 1000)),
    decode_mb_per_s: round(mb / (dec.ms / 1000)),
    encode_msgs_per_s: Math.round(messages / (enc.ms / 1000)),
    encode_mb_per_s: round(mb / (enc.ms / 1000)),
    routes_per_message: routes,
    stream_octets: stream.length,
    mean_message_octets: Math.round(stream.length / messages),
    chunk_octets: chunkSize,
    unit: 'messages/s and MB/s on one core',
    method: 'EVPN UPDATEs; MB = 10^6 octets of wire data; best of 3 passes after a warm-up; decode = BgpFramer + decodeMessage over the chunked stream, encode = encodeMessage',
  };
}
