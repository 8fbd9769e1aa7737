/**
 * Path attribute fixtures `{name, hex, attrs}`, one or more per attribute, each an
 * attribute written out by hand from its RFC layout (cited per entry) and carried in an
 * UPDATE without NLRI (so RFC 7606 §3(d) has nothing to say). Each gives a decode test,
 * an encode test (against `encodesAs` where our encoder writes another valid form, or
 * none for `decodeOnly`) and a round trip.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/message.js';
import type { CodecContext, PathAttributes, UpdateMessage } from '../../../src/bgp/wire/types.js';
import { CTX2, CTX4, hex, upd } from './helpers.js';

interface AttrFixture {
  name: string;
  /** The attribute(s), flags to value. */
  hex: string;
  attrs: PathAttributes;
  ctx?: CodecContext;
  /** What our encoder writes for `attrs` when it differs from `hex`. */
  encodesAs?: string;
  decodeOnly?: boolean;
  /** Stable codes of the non-fatal errors decode reports. */
  errors?: string[];
}

// RFC 7432 §7.2 type-2 route (RD 192.0.2.10:1, ESI 0, tag 0, MAC 00:11:22:33:44:55, no IP, VNI 5000).
const EVPN_T2 = '02 21 | 0001 c000020a 0001 | 00000000000000000000 | 00000000 | 30 001122334455 | 00 | 001388';
// RFC 7432 §7.3 type-3 route (RD 192.0.2.10:1, tag 0, originator 192.0.2.10).
const EVPN_T3 = '03 11 | 0001 c000020a 0001 | 00000000 | 20 c000020a';
// MP_REACH with NLRI needs ORIGIN and AS_PATH (RFC 7606 §3(d)): IGP, empty path.
const MAND = '40 01 01 00 40 02 00';
const MAND_ATTRS: PathAttributes = { origin: 0, asPath: [] };
const v300 = Buffer.alloc(300);
for (let i = 0; i < 300; i++) v300[i] = i & 0xff;

const FIXTURES: AttrFixture[] = [
  // ---- RFC 4271 §4.3 / §5.1.1 ORIGIN: well-known (flags 0x40), 1 octet
  { name: 'ORIGIN IGP', hex: '40 01 01 00', attrs: { origin: 0 } },
  { name: 'ORIGIN EGP', hex: '40 01 01 01', attrs: { origin: 1 } },
  { name: 'ORIGIN INCOMPLETE', hex: '40 01 01 02', attrs: { origin: 2 } },

  // ---- RFC 4271 §4.3 / §5.1.2 AS_PATH: segments of type (1 SET, 2 SEQUENCE), count, ASes
  { name: 'AS_PATH empty (iBGP origin)', hex: '40 02 00', attrs: { asPath: [] } },
  {
    name: 'AS_PATH 4-octet AS_SEQUENCE (RFC 6793 §3)',
    hex: '40 02 0e | 02 03 0000fdf2 0000fde8 00030d40',
    attrs: { asPath: [{ type: 2, asns: [65010, 65000, 200000] }] },
  },
  {
    name: 'AS_PATH 4-octet AS_SEQUENCE then AS_SET',
    hex: '40 02 14 | 02 02 0000fdf2 00030d40 | 01 02 0000fde8 0000fde9',
    attrs: { asPath: [{ type: 2, asns: [65010, 200000] }, { type: 1, asns: [65000, 65001] }] },
  },
  {
    name: 'AS_PATH 2-octet AS_SEQUENCE then AS_SET',
    hex: '40 02 0c | 02 02 fdf2 fde8 | 01 02 fde9 fdea',
    attrs: { asPath: [{ type: 2, asns: [65010, 65000] }, { type: 1, asns: [65001, 65002] }] },
    ctx: CTX2,
  },
  {
    // RFC 5065 §3: AS_CONFED_SEQUENCE (3) and AS_CONFED_SET (4) lead the path.
    name: 'AS_PATH with confederation segments',
    hex: '40 02 16 | 03 01 0000fde9 | 04 02 0000fdea 0000fdeb | 02 01 0000fdf2',
    attrs: { asPath: [{ type: 3, asns: [65001] }, { type: 4, asns: [65002, 65003] }, { type: 2, asns: [65010] }] },
  },

  // ---- RFC 6793 §4.2.2 (NEW → OLD) and §4.2.3 (OLD → NEW), AS_TRANS = 23456 = 0x5ba0
  {
    name: 'AS_PATH with 4-octet ASes toward an OLD speaker: AS_TRANS and AS4_PATH, AS_SET included',
    hex: '40 02 0c | 02 02 fdf2 5ba0 | 01 02 5ba0 fde8' + 'c0 11 14 | 02 02 0000fdf2 00030d40 | 01 02 00030d41 0000fde8',
    attrs: { asPath: [{ type: 2, asns: [65010, 200000] }, { type: 1, asns: [200001, 65000] }] },
    ctx: CTX2,
  },
  {
    // An OLD speaker (65001) prepended itself to a path whose AS4_PATH it passed on:
    // AS_PATH counts 4 (3 + the AS_SET), AS4_PATH 3, so 65001 leads the merged path and
    // joins AS4_PATH's opening AS_SEQUENCE.
    name: 'AS_PATH and AS4_PATH merged from an OLD speaker that prepended its AS',
    hex: '40 02 0c | 02 03 fde9 5ba0 fde8 | 01 01 5ba0' + 'c0 11 10 | 02 02 00030d40 0000fde8 | 01 01 00030d41',
    attrs: { asPath: [{ type: 2, asns: [65001, 200000, 65000] }, { type: 1, asns: [200001] }] },
    ctx: CTX2,
    decodeOnly: true,
  },
  {
    name: 'AS4_PATH ignored when AGGREGATOR names an AS other than AS_TRANS',
    hex: '40 02 06 | 02 02 fde9 5ba0' + 'c0 07 06 fde9 c0000201' + 'c0 11 06 | 02 01 00030d40',
    attrs: { asPath: [{ type: 2, asns: [65001, 23456] }], aggregator: { asn: 65001, address: '192.0.2.1' } },
    ctx: CTX2,
    decodeOnly: true,
  },
  {
    name: 'AS4_PATH ignored when longer than AS_PATH',
    hex: '40 02 04 | 02 01 5ba0' + 'c0 11 0a | 02 02 00030d40 0000fde8',
    attrs: { asPath: [{ type: 2, asns: [23456] }] },
    ctx: CTX2,
    decodeOnly: true,
  },

  // ---- RFC 4271 §5.1.3 NEXT_HOP, §5.1.4 MULTI_EXIT_DISC (optional non-transitive), §5.1.5 LOCAL_PREF
  { name: 'NEXT_HOP', hex: '40 03 04 c0000201', attrs: { nextHop: '192.0.2.1' } },
  { name: 'MULTI_EXIT_DISC', hex: '80 04 04 00000064', attrs: { med: 100 } },
  { name: 'MULTI_EXIT_DISC max', hex: '80 04 04 ffffffff', attrs: { med: 0xffffffff } },
  { name: 'LOCAL_PREF', hex: '40 05 04 000000c8', attrs: { localPref: 200 } },

  // ---- RFC 4271 §5.1.6 ATOMIC_AGGREGATE (length 0), §5.1.7 AGGREGATOR (optional transitive)
  { name: 'ATOMIC_AGGREGATE', hex: '40 06 00', attrs: { atomicAggregate: true } },
  { name: 'AGGREGATOR 4-octet AS (RFC 6793 §3)', hex: 'c0 07 08 00030d40 c6336401', attrs: { aggregator: { asn: 200000, address: '198.51.100.1' } } },
  { name: 'AGGREGATOR 2-octet AS', hex: 'c0 07 06 fde8 c6336401', attrs: { aggregator: { asn: 65000, address: '198.51.100.1' } }, ctx: CTX2 },
  {
    name: 'AGGREGATOR AS_TRANS with AS4_AGGREGATOR (RFC 6793 §4.2.2, §4.2.3)',
    hex: 'c0 07 06 5ba0 c6336401' + 'c0 12 08 00030d40 c6336401',
    attrs: { aggregator: { asn: 200000, address: '198.51.100.1' } },
    ctx: CTX2,
  },

  // ---- RFC 1997 COMMUNITIES; RFC 4456 §8 ORIGINATOR_ID and CLUSTER_LIST (optional non-transitive)
  { name: 'COMMUNITIES', hex: 'c0 08 0c fdf20001 ffffff01 ffffff02', attrs: { communities: [0xfdf20001, 0xffffff01, 0xffffff02] } },
  { name: 'ORIGINATOR_ID', hex: '80 09 04 c0000202', attrs: { originatorId: 0xc0000202 } },
  { name: 'CLUSTER_LIST', hex: '80 0a 08 c0000203 c0000204', attrs: { clusterList: [0xc0000203, 0xc0000204] } },

  // ---- RFC 4760 §3 MP_REACH_NLRI: AFI, SAFI, next hop length, next hop, reserved, NLRI
  {
    name: 'MP_REACH l2vpn/evpn, IPv4 next hop, raw type-2 NLRI',
    hex: MAND + `80 0e 2c | 0019 46 04 c0000201 00 | ${EVPN_T2}`,
    attrs: { ...MAND_ATTRS, mpReach: { afi: 25, safi: 70, nextHop: hex('c0000201'), nlri: hex(EVPN_T2) } },
  },
  {
    // RFC 8365 §5.1.3 allows an IPv6 VTEP address as the next hop.
    name: 'MP_REACH l2vpn/evpn, IPv6 next hop, raw type-3 NLRI',
    hex: MAND + `80 0e 28 | 0019 46 10 20010db8000000000000000000000001 00 | ${EVPN_T3}`,
    attrs: { ...MAND_ATTRS, mpReach: { afi: 25, safi: 70, nextHop: hex('20010db8000000000000000000000001'), nlri: hex(EVPN_T3) } },
  },
  {
    name: 'MP_REACH ipv4/unicast',
    hex: MAND + '80 0e 0d | 0001 01 04 c0000201 00 | 18 c00002',
    attrs: { ...MAND_ATTRS, mpReach: { afi: 1, safi: 1, nextHop: hex('c0000201'), nlri: hex('18 c00002') } },
  },
  {
    // RFC 4271 §4.3: the Extended Length bit may be set on a short value (FRR does so for MP_REACH).
    name: 'MP_REACH with the Extended Length bit on a short value',
    hex: MAND + '90 0e 000d | 0001 01 04 c0000201 00 | 18 c00002',
    attrs: { ...MAND_ATTRS, mpReach: { afi: 1, safi: 1, nextHop: hex('c0000201'), nlri: hex('18 c00002') } },
    encodesAs: MAND + '80 0e 0d | 0001 01 04 c0000201 00 | 18 c00002',
  },

  // ---- RFC 4760 §4 MP_UNREACH_NLRI: AFI, SAFI, withdrawn routes
  { name: 'MP_UNREACH l2vpn/evpn', hex: `80 0f 26 | 0019 46 | ${EVPN_T2}`, attrs: { mpUnreach: { afi: 25, safi: 70, nlri: hex(EVPN_T2) } } },
  { name: 'MP_UNREACH ipv4/unicast', hex: '80 0f 07 | 0001 01 | 18 c00002', attrs: { mpUnreach: { afi: 1, safi: 1, nlri: hex('18 c00002') } } },

  // ---- RFC 4360 EXTENDED_COMMUNITIES: route target 65010:5000, RFC 9012 §4.1 encapsulation VXLAN (8)
  {
    name: 'EXTENDED_COMMUNITIES',
    hex: 'c0 10 10 | 0002 fdf2 00001388 | 030c 0000 0000 0008',
    attrs: { extCommunities: hex('0002 fdf2 00001388 | 030c 0000 0000 0008') },
  },

  // ---- RFC 6514 §5 PMSI_TUNNEL: flags, tunnel type 6 (ingress replication), label (VNI 5000), tunnel id
  {
    name: 'PMSI_TUNNEL ingress replication',
    hex: 'c0 16 09 | 00 06 001388 c000020a',
    attrs: { pmsiTunnel: { flags: 0, tunnelType: 6, label: 5000, tunnelId: hex('c000020a') } },
  },
  {
    name: 'PMSI_TUNNEL with Leaf Information Required and no tunnel id',
    hex: 'c0 16 05 | 01 00 000000',
    attrs: { pmsiTunnel: { flags: 1, tunnelType: 0, label: 0, tunnelId: Buffer.alloc(0) } },
  },

  // ---- RFC 4271 §5: unrecognized optional attributes
  {
    name: 'unknown optional transitive attribute passed on with the Partial bit',
    hex: 'c0 20 0c 0000fdf2 00000001 00000002',
    attrs: { unknown: [{ flags: 0xe0, type: 32, value: hex('0000fdf2 00000001 00000002') }] },
    encodesAs: 'e0 20 0c 0000fdf2 00000001 00000002',
  },
  {
    // RFC 4271 §4.3: the low four flag bits are ignored on receipt and sent as zero.
    name: 'unknown optional transitive attribute with the unused flag bits set',
    hex: 'cf 21 01 aa',
    attrs: { unknown: [{ flags: 0xe0, type: 33, value: hex('aa') }] },
    encodesAs: 'e0 21 01 aa',
  },
  {
    name: 'unknown optional transitive attributes kept in type order around known ones',
    hex: '40 01 01 00' + 'e0 0b 01 01' + 'c0 10 08 0002fdf200001388' + 'e0 63 00',
    attrs: { origin: 0, extCommunities: hex('0002fdf200001388'), unknown: [{ flags: 0xe0, type: 11, value: hex('01') }, { flags: 0xe0, type: 99, value: Buffer.alloc(0) }] },
  },
  {
    name: 'unknown optional non-transitive attribute dropped',
    hex: '40 01 01 00' + '80 63 02 abcd',
    attrs: { origin: 0 },
    decodeOnly: true,
    errors: ['BGP_ERR_ATTR_UNRECOGNIZED_OPTIONAL'],
  },
  {
    // RFC 4271 §4.3: Extended Length (0x10) and a 2-octet length for a value of 300 octets.
    name: 'extended length unknown attribute of 300 octets',
    hex: 'f0 21 012c' + v300.toString('hex'),
    attrs: { unknown: [{ flags: 0xe0, type: 33, value: v300 }] },
  },
];

const update = (attributes: PathAttributes): UpdateMessage => ({ type: 'update', withdrawn: [], attributes, nlri: [] });

describe('path attribute fixtures', () => {
  for (const f of FIXTURES) {
    const ctx = f.ctx ?? CTX4;
    describe(f.name, () => {
      it('decodes', () => {
        const r = decodeMessage(hex(upd(f.hex)), ctx);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value).toEqual(update(f.attrs));
        expect(r.errors.map((e) => e.code)).toEqual(f.errors ?? []);
      });
      if (!f.decodeOnly) {
        it('encodes', () => {
          expect(encodeMessage(update(f.attrs), ctx).toString('hex')).toBe(hex(upd(f.encodesAs ?? f.hex)).toString('hex'));
        });
      }
      it('round-trips', () => {
        expect(decodeMessage(encodeMessage(update(f.attrs), ctx), ctx)).toEqual({ ok: true, value: update(f.attrs), errors: [] });
      });
    });
  }
});
