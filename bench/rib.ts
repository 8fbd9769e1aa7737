/**
 * `npm run bench -- rib [--routes N] [--peers P] [--vnis V]`: N received type-2
 * routes (default 1,000,000; half MAC-only, half MAC+IPv4) in UPDATEs of up
 * to 4096 octets from P iBGP peers across V EVIs, pushed through BGP message
 * framing and decode + EVPN NLRI decode + Adj-RIB-In + Loc-RIB (best path and
 * deltas to a listener).
 *
 * The UPDATEs are encoded to each peer's byte stream beforehand and fed in 64 KiB
 * chunks through BgpFramer and decodeMessage, as a session does. Figures: routes/s
 * over the ingest, and the heap the RIB holds
 * per route after a full GC (`global.gc`, enabled here at run time when
 * node was not started with --expose-gc).
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { UpdateMessage } from '../src/bgp/wire/types.js';
import { BgpFramer } from '../src/bgp/wire/framer.js';
import { decodeMessage, encodeMessage } from '../src/bgp/wire/message.js';
import { EvpnRib } from '../src/evpn/rib/rib.js';
import type { RibDelta } from '../src/evpn/rib/rib.js';
import { EVPN_AFI, EVPN_SAFI, encodeEvpnNlri, evpnRouteValueLength } from '../src/evpn/nlri.js';
import { TunnelType, buildEvpnCommunities } from '../src/evpn/ext-communities.js';
import type { MacIpRoute } from '../src/evpn/types.js';
import { option } from './options.js';

function collector(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** A 48-bit locally administered MAC spread over the whole space (no sequential key pattern). */
function macFor(i: number): number {
  let h = Math.imul(i ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  const hi = ((i >>> 8) ^ Math.imul(h, 31)) & 0xffff;
  return 0x020000000000 + ((hi & 0xff) * 0x100000000) + h;
}

const CTX = { fourOctetAs: true };
const CHUNK = 65536;

interface Built {
  peer: string;
  update: UpdateMessage;
}

function buildUpdates(routes: number, peers: number, vnis: number): Built[] {
  const out: Built[] = [];
  const perPeer = Math.ceil(routes / peers);
  let made = 0;
  for (let p = 0; p < peers && made < routes; p++) {
    const nextHop = Buffer.from([198, 51, 100, 1 + p]);
    const rd = (vni: number) => `10.0.0.${1 + p}:${vni}`;
    const exts = new Map<number, Buffer>();
    const ext = (vni: number) => {
      let e = exts.get(vni);
      if (!e) exts.set(vni, (e = buildEvpnCommunities({ routeTargets: [`65000:${vni}`], encapsulation: TunnelType.VXLAN })));
      return e;
    };
    const end = Math.min(routes, made + perPeer);
    // Room for NLRI in a 4096-octet UPDATE with these attributes (header, ORIGIN, AS_PATH, LOCAL_PREF, EXT, MP_REACH).
    const budget = 4096 - (23 + 4 + 3 + 7 + 4 + 8 * 2 + 4 + 9);
    let vniIndex = 0;
    while (made < end) {
      const vni = 5000 + (vniIndex++ % vnis);
      const batch: MacIpRoute[] = [];
      let used = 0;
      while (made < end) {
        const r: MacIpRoute = { type: 2, rd: rd(vni), esi: '00000000000000000000', ethTag: 0, mac: macFor(made), label1: vni };
        if (made % 2 === 1) r.ip = { v: 4, addr: (0x0a000000 + made) >>> 0 };
        const len = 2 + evpnRouteValueLength(r);
        if (used + len > budget) break;
        batch.push(r);
        used += len;
        made++;
      }
      out.push({
        peer: `127.0.1.${1 + p}`,
        update: {
          type: 'update',
          withdrawn: [],
          nlri: [],
          attributes: {
            origin: 0,
            asPath: [],
            localPref: 100,
            extCommunities: ext(vni),
            mpReach: { afi: EVPN_AFI, safi: EVPN_SAFI, nextHop, nlri: encodeEvpnNlri(batch) },
          },
        },
      });
    }
  }
  return out;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const routes = option(args, 'routes', 1_000_000);
  const peers = option(args, 'peers', 4);
  const vnis = option(args, 'vnis', 100);
  const gc = collector();
  const updates = buildUpdates(routes, peers, vnis);
  // Each peer's byte stream, as its socket would deliver it.
  const perPeer = new Map<string, Buffer[]>();
  for (const { peer, update } of updates) {
    let list = perPeer.get(peer);
    if (!list) perPeer.set(peer, (list = []));
    list.push(encodeMessage(update, CTX));
  }
  const streams = new Map([...perPeer].map(([peer, frames]) => [peer, Buffer.concat(frames)]));
  perPeer.clear();

  let deltas = 0;
  const rib = new EvpnRib({
    routerId: 0xc000020a,
    localAs: 65000,
    listener: {
      deltas(batch: readonly RibDelta[]) {
        deltas += batch.length;
      },
      event() {},
    },
  });
  for (let v = 0; v < vnis; v++) rib.setEvi({ vni: 5000 + v }, 0);
  for (let p = 0; p < peers; p++) rib.peerUp({ address: `127.0.1.${1 + p}`, remoteAs: 65000, localAs: 65000, routerId: 0x0a000001 + p }, 0);

  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  let received = 0;
  for (const [peer, stream] of streams) {
    const framer = new BgpFramer();
    for (let off = 0; off < stream.length; off += CHUNK) {
      const { frames, error } = framer.push(stream.subarray(off, off + CHUNK));
      if (error) throw new Error(`bench stream rejected: ${error.message}`);
      for (const frame of frames) {
        const m = decodeMessage(frame, CTX);
        if (!m.ok || m.value.type !== 'update') throw new Error('bench UPDATE did not decode');
        const r = rib.receiveUpdate(peer, m.value, m.errors, 1);
        if (!r.ok) throw new Error(`bench input rejected: ${r.error.message}`);
        received += r.announced;
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (received !== routes || deltas !== routes) throw new Error(`expected ${routes} routes and best changes, got ${received} and ${deltas}`);
  const adjRibIn = rib.peerSummaries().reduce((n, p) => n + p.prefixes, 0);
  return {
    routes,
    peers,
    vnis,
    updates: updates.length,
    adj_rib_in: adjRibIn,
    seconds: Math.round(seconds * 1000) / 1000,
    routes_per_s: Math.round(routes / seconds),
    heap_bytes_per_route: Math.round((after - before) / routes),
    unit: 'routes_per_s: type-2 routes through BGP framing and decode, EVPN NLRI decode, Adj-RIB-In and Loc-RIB per second; heap_bytes_per_route: V8 heap held per route after GC',
  };
}
