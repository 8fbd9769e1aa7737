/**
 * Message fixtures `{name, hex, object}`, hand-derived from the RFC message layouts
 * cited per entry (field values chosen by us, octets worked out by hand). Each gives a
 * decode test, an encode test (unless `decodeOnly`) and a round trip.
 */
import { hex, msg, upd, CTX2, CTX4 } from './helpers.js';
import type { BgpMessage, CodecContext } from '../../../src/bgp/wire/types.js';

export interface Fixture {
  name: string;
  hex: string;
  object: BgpMessage;
  ctx: CodecContext;
  /** The encoder writes another (equally valid) form, e.g. classic OPEN parameters. */
  decodeOnly?: boolean;
}

// RFC 7432 §7.2 MAC/IP route: type 2, length 33, RD type 1 192.0.2.10:1 (RFC 4364 §4.2),
// ESI 0, Ethernet tag 0, MAC length 48, MAC 00:11:22:33:44:55, IP length 0, label 5000
// (VNI, RFC 8365 §5.1.3).
const EVPN_T2 = '02 21 | 0001 c000020a 0001 | 00000000000000000000 | 00000000 | 30 001122334455 | 00 | 001388';
// RFC 7432 §7.3 IMET route: type 3, length 17, RD, Ethernet tag 0, IP length 32, 192.0.2.10.
const EVPN_T3 = '03 11 | 0001 c000020a 0001 | 00000000 | 20 c000020a';
// RFC 4360 §4 route target 65010:5000 (type 0x00 subtype 0x02), RFC 9012 §4.1 encapsulation VXLAN (0x03 0x0c, tunnel type 8).
const EXT_RT_ENCAP = '0002 fdf2 00001388 | 030c 0000 0000 0008';

const ext320 = Buffer.alloc(320);
for (let i = 0; i < 40; i++) hex(`0002 fdf2 ${(5000 + i).toString(16).padStart(8, '0')}`).copy(ext320, 8 * i);

export const FIXTURES: Fixture[] = [
  { name: 'KEEPALIVE (RFC 4271 §4.4)', hex: msg(4, ''), object: { type: 'keepalive' }, ctx: CTX4 },
  {
    // RFC 4271 §4.2 with RFC 5492 §4 parameters; capabilities per RFC 4760 §8, 2918 §2,
    // 7313 §3.1, 6793 §3, 4724 §3 (+ RFC 8538 N bit), and an unknown one (73, FQDN).
    name: 'OPEN with capabilities',
    hex: msg(1, '04 fdf2 005a c000020a 28' +
      '02 06 | 01 04 0019 00 46' +
      '02 02 | 02 00' +
      '02 02 | 46 00' +
      '02 06 | 41 04 0000fdf2' +
      '02 08 | 40 06 c078 0019 46 80' +
      '02 04 | 49 02 6162'),
    object: {
      type: 'open', version: 4, myAs: 65010, holdTime: 90, bgpId: 0xc000020a,
      capabilities: [
        { kind: 'multiprotocol', afi: 25, safi: 70 },
        { kind: 'route-refresh' },
        { kind: 'enhanced-route-refresh' },
        { kind: 'four-octet-as', asn: 65010 },
        { kind: 'graceful-restart', restarting: true, notification: true, restartTime: 120, families: [{ afi: 25, safi: 70, forwardingPreserved: true }] },
        { kind: 'unknown', code: 73, value: hex('6162') },
      ],
    },
    ctx: CTX4,
  },
  {
    name: 'OPEN with AS_TRANS and no optional parameters',
    hex: msg(1, '04 5ba0 0000 0a000001 00'),
    object: { type: 'open', version: 4, myAs: 23456, holdTime: 0, bgpId: 0x0a000001, capabilities: [] },
    ctx: CTX2,
  },
  {
    // RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length 9,
    // then a parameter with a 2-octet length holding MP ipv4/unicast.
    name: 'OPEN with extended optional parameters length (RFC 9072)',
    hex: msg(1, '04 fdf2 00b4 c000020a ff ff 0009 | 02 0006 | 01 04 0001 00 01'),
    object: { type: 'open', version: 4, myAs: 65010, holdTime: 180, bgpId: 0xc000020a, capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1 }] },
    ctx: CTX4,
    decodeOnly: true,
  },
  {
    // RFC 4486 Cease/Administrative Shutdown with the RFC 9003 §2 communication "bye".
    name: 'NOTIFICATION Cease/Administrative Shutdown with communication',
    hex: msg(3, '06 02 03 627965'),
    object: { type: 'notification', code: 6, subcode: 2, data: hex('03 627965') },
    ctx: CTX4,
  },
  {
    name: 'NOTIFICATION Hold Timer Expired',
    hex: msg(3, '04 00'),
    object: { type: 'notification', code: 4, subcode: 0, data: Buffer.alloc(0) },
    ctx: CTX4,
  },
  {
    name: 'ROUTE-REFRESH request l2vpn/evpn (RFC 2918 §3)',
    hex: msg(5, '0019 00 46'),
    object: { type: 'route-refresh', afi: 25, subtype: 0, safi: 70 },
    ctx: CTX4,
  },
  {
    name: 'ROUTE-REFRESH BoRR ipv4/unicast (RFC 7313 §3.2)',
    hex: msg(5, '0001 01 01'),
    object: { type: 'route-refresh', afi: 1, subtype: 1, safi: 1 },
    ctx: CTX4,
  },
  {
    name: 'UPDATE empty: End-of-RIB ipv4/unicast (RFC 4724 §2)',
    hex: upd(''),
    object: { type: 'update', withdrawn: [], attributes: {}, nlri: [] },
    ctx: CTX4,
  },
  {
    name: 'UPDATE End-of-RIB l2vpn/evpn: MP_UNREACH without NLRI (RFC 4724 §2)',
    hex: upd('80 0f 03 | 0019 46'),
    object: { type: 'update', withdrawn: [], attributes: { mpUnreach: { afi: 25, safi: 70, nlri: Buffer.alloc(0) } }, nlri: [] },
    ctx: CTX4,
  },
  {
    // RFC 4271 §4.3 and §5.1, RFC 1997, RFC 4456 §8; withdraws 10.0.0.0/8, announces 192.0.2.0/24.
    name: 'UPDATE ipv4/unicast with the RFC 4271 attributes',
    hex: upd(
      '40 01 01 00' + // ORIGIN IGP
      '40 02 0e | 02 03 0000fdf2 0000fde8 00030d40' + // AS_PATH AS_SEQUENCE 65010 65000 200000
      '40 03 04 c0000201' + // NEXT_HOP 192.0.2.1
      '80 04 04 00000064' + // MED 100
      '40 05 04 000000c8' + // LOCAL_PREF 200
      '40 06 00' + // ATOMIC_AGGREGATE
      'c0 07 08 0000fde8 c6336401' + // AGGREGATOR 65000 198.51.100.1
      'c0 08 08 fdf20001 ffffff01' + // COMMUNITIES 65010:1 NO_EXPORT
      '80 09 04 c0000202' + // ORIGINATOR_ID 192.0.2.2
      '80 0a 08 c0000203 c0000204', // CLUSTER_LIST
      '18 c00002',
      '08 0a',
    ),
    object: {
      type: 'update',
      withdrawn: [{ addr: 0x0a000000, len: 8 }],
      attributes: {
        origin: 0,
        asPath: [{ type: 2, asns: [65010, 65000, 200000] }],
        nextHop: '192.0.2.1',
        med: 100,
        localPref: 200,
        atomicAggregate: true,
        aggregator: { asn: 65000, address: '198.51.100.1' },
        communities: [0xfdf20001, 0xffffff01],
        originatorId: 0xc0000202,
        clusterList: [0xc0000203, 0xc0000204],
      },
      nlri: [{ addr: 0xc0000200, len: 24 }],
    },
    ctx: CTX4,
  },
  {
    // RFC 4760 §3 MP_REACH (AFI 25, SAFI 70, next hop 192.0.2.1, reserved, NLRI) with a
    // raw RFC 7432 type-2 route; RFC 4360 extended communities.
    name: 'UPDATE l2vpn/evpn MP_REACH with a type-2 route',
    hex: upd(
      '40 01 01 00' +
      '40 02 06 | 02 01 0000fdf2' +
      '40 05 04 00000064' +
      `80 0e 2c | 0019 46 04 c0000201 00 | ${EVPN_T2}` +
      `c0 10 10 | ${EXT_RT_ENCAP}`,
    ),
    object: {
      type: 'update', withdrawn: [], nlri: [],
      attributes: {
        origin: 0,
        asPath: [{ type: 2, asns: [65010] }],
        localPref: 100,
        mpReach: { afi: 25, safi: 70, nextHop: hex('c0000201'), nlri: hex(EVPN_T2) },
        extCommunities: hex(EXT_RT_ENCAP),
      },
    },
    ctx: CTX4,
  },
  {
    // RFC 6514 §5 PMSI tunnel: flags 0, type 6 (ingress replication), label 5000 (VNI),
    // tunnel id 192.0.2.10; with an RFC 7432 type-3 route. Empty AS_PATH (iBGP origin).
    name: 'UPDATE l2vpn/evpn type-3 with PMSI_TUNNEL',
    hex: upd(
      '40 01 01 00' +
      '40 02 00' +
      `80 0e 1c | 0019 46 04 c000020a 00 | ${EVPN_T3}` +
      'c0 10 08 | 030c 0000 0000 0008' +
      'c0 16 09 | 00 06 001388 c000020a',
    ),
    object: {
      type: 'update', withdrawn: [], nlri: [],
      attributes: {
        origin: 0,
        asPath: [],
        mpReach: { afi: 25, safi: 70, nextHop: hex('c000020a'), nlri: hex(EVPN_T3) },
        extCommunities: hex('030c 0000 0000 0008'),
        pmsiTunnel: { flags: 0, tunnelType: 6, label: 5000, tunnelId: hex('c000020a') },
      },
    },
    ctx: CTX4,
  },
  {
    name: 'UPDATE l2vpn/evpn MP_UNREACH withdrawing a type-2 route',
    hex: upd(`80 0f 26 | 0019 46 | ${EVPN_T2}`),
    object: { type: 'update', withdrawn: [], nlri: [], attributes: { mpUnreach: { afi: 25, safi: 70, nlri: hex(EVPN_T2) } } },
    ctx: CTX4,
  },
  {
    // RFC 4271 §4.3: Extended Length bit when the value exceeds 255 octets (320 here).
    name: 'UPDATE with an extended-length EXTENDED_COMMUNITIES',
    hex: upd('40 01 01 02' + '40 02 06 02 01 0000fdf2' + `80 0e 2c | 0019 46 04 c0000201 00 | ${EVPN_T2}` + 'd0 10 0140' + ext320.toString('hex')),
    object: {
      type: 'update', withdrawn: [], nlri: [],
      attributes: {
        origin: 2,
        asPath: [{ type: 2, asns: [65010] }],
        mpReach: { afi: 25, safi: 70, nextHop: hex('c0000201'), nlri: hex(EVPN_T2) },
        extCommunities: ext320,
      },
    },
    ctx: CTX4,
  },
  {
    // RFC 4271 §5: unknown optional transitive attribute (type 32, RFC 8092 large
    // community, which the codec does not model) kept with the Partial bit.
    name: 'UPDATE with an unknown optional transitive attribute (Partial)',
    hex: upd('40 01 01 00' + '40 02 00' + '40 03 04 c0000201' + 'e0 20 0c 0000fdf2 00000001 00000002', '20 c6336401'),
    object: {
      type: 'update', withdrawn: [], nlri: [{ addr: 0xc6336401, len: 32 }],
      attributes: {
        origin: 0, asPath: [], nextHop: '192.0.2.1',
        unknown: [{ flags: 0xe0, type: 32, value: hex('0000fdf2 00000001 00000002') }],
      },
    },
    ctx: CTX4,
  },
  {
    // RFC 6793 §4.2.2/§4.2.3 between a NEW and an OLD speaker: AS_TRANS (0x5ba0) in the
    // 2-octet AS_PATH and AGGREGATOR, the real ASes in AS4_PATH and AS4_AGGREGATOR.
    name: 'UPDATE to a 2-octet AS peer: AS4_PATH and AS4_AGGREGATOR',
    hex: upd(
      '40 01 01 00' +
      '40 02 06 | 02 02 5ba0 fde8' +
      '40 03 04 c0000201' +
      'c0 07 06 5ba0 c0000201' +
      'c0 11 0a | 02 02 00030d40 0000fde8' +
      'c0 12 08 00030d40 c0000201',
      '10 0a01',
    ),
    object: {
      type: 'update', withdrawn: [], nlri: [{ addr: 0x0a010000, len: 16 }],
      attributes: {
        origin: 0,
        asPath: [{ type: 2, asns: [200000, 65000] }],
        nextHop: '192.0.2.1',
        aggregator: { asn: 200000, address: '192.0.2.1' },
      },
    },
    ctx: CTX2,
  },
  {
    // RFC 6793 §4.2.3: AS_PATH (2-octet) longer than AS4_PATH: the leading AS 65001 is
    // prepended to AS4_PATH (one AS_SEQUENCE again); AS_CONFED_SEQUENCE in front stays.
    name: 'UPDATE from a 2-octet AS peer: AS_PATH and AS4_PATH merged',
    hex: upd(
      '40 01 01 00' +
      '40 02 0c | 03 01 fde9 | 02 03 fde9 5ba0 fde8' +
      '40 03 04 c0000201' +
      'c0 11 0a | 02 02 00030d40 0000fde8',
      '10 0a01',
    ),
    object: {
      type: 'update', withdrawn: [], nlri: [{ addr: 0x0a010000, len: 16 }],
      attributes: {
        origin: 0,
        asPath: [{ type: 3, asns: [65001] }, { type: 2, asns: [65001, 200000, 65000] }],
        nextHop: '192.0.2.1',
      },
    },
    ctx: CTX2,
    decodeOnly: true,
  },
];
