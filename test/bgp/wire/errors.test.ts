/**
 * Error fixtures `{name, hex, code, subcode, action}`: one per RFC 4271 §6 / RFC 7606
 * case the codec implements, hand-built on the valid UPDATEs of fixtures.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../../src/bgp/wire/message.js';
import type { CodecContext, ErrorAction } from '../../../src/bgp/wire/types.js';
import { CTX2, CTX4, hex, msg, upd } from './helpers.js';

interface ErrorFixture {
  name: string;
  hex: string;
  code: number;
  subcode: number;
  action: ErrorAction;
  /** Stable code string expected. */
  err: string;
  ctx?: CodecContext;
  /** NOTIFICATION data expected. */
  data?: string;
}

const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 06 02 01 0000fdf2';
const NEXT_HOP = '40 03 04 c0000201';
const BASE = ORIGIN + AS_PATH + NEXT_HOP;
const NLRI = '18 c00002';
const EVPN_T3 = '03 11 0001c000020a0001 00000000 20 c000020a';
const MP_REACH = `80 0e 1c 0019 46 04 c000020a 00 ${EVPN_T3}`;

const FIXTURES: ErrorFixture[] = [
  // ---- OPEN (RFC 4271 §6.2, RFC 5492 §5)
  { name: 'OPEN optional parameters length past the message', hex: msg(1, '04 fdf2 005a c000020a 05 02 02 02 00'), code: 2, subcode: 0, action: 'session-reset', err: 'BGP_ERR_OPEN_OPT_PARAM_LENGTH' },
  { name: 'OPEN parameter overruns the parameters', hex: msg(1, '04 fdf2 005a c000020a 04 02 05 02 00'), code: 2, subcode: 0, action: 'session-reset', err: 'BGP_ERR_OPEN_OPT_PARAM_LENGTH' },
  { name: 'OPEN capability overruns its parameter', hex: msg(1, '04 fdf2 005a c000020a 04 02 02 41 04'), code: 2, subcode: 0, action: 'session-reset', err: 'BGP_ERR_OPEN_CAPABILITY_LENGTH' },
  { name: 'OPEN optional parameter type 1 (authentication)', hex: msg(1, '04 fdf2 005a c000020a 03 01 01 00'), code: 2, subcode: 4, action: 'session-reset', err: 'BGP_ERR_OPEN_OPT_PARAM_UNSUPPORTED' },
  // ---- ROUTE-REFRESH (RFC 7313 §5)
  { name: 'BoRR of 24 octets', hex: msg(5, '0001 01 01 00'), code: 7, subcode: 1, action: 'session-reset', err: 'BGP_ERR_ROUTE_REFRESH_LENGTH' },
  { name: 'ROUTE-REFRESH request of 24 octets', hex: msg(5, '0001 00 01 00'), code: 1, subcode: 2, action: 'session-reset', err: 'BGP_ERR_LENGTH', data: '0018' },
  // ---- UPDATE framing (RFC 4271 §6.3, RFC 7606 §5.3)
  { name: 'withdrawn routes length overruns', hex: msg(2, '0010 0000'), code: 3, subcode: 1, action: 'session-reset', err: 'BGP_ERR_WITHDRAWN_LENGTH' },
  { name: 'total attribute length overruns', hex: msg(2, '0000 0010 40010100'), code: 3, subcode: 1, action: 'session-reset', err: 'BGP_ERR_ATTR_TOTAL_LENGTH' },
  { name: 'NLRI prefix length 33', hex: upd(BASE, '21 c0000201 00'), code: 3, subcode: 10, action: 'session-reset', err: 'BGP_ERR_NLRI_SYNTAX' },
  { name: 'withdrawn prefix overruns its field', hex: upd('', '', '18 c000'), code: 3, subcode: 10, action: 'session-reset', err: 'BGP_ERR_WITHDRAWN_SYNTAX' },
  // RFC 7606 §4: an attribute overrunning the total length → treat-as-withdraw.
  { name: 'attribute overruns the attributes', hex: upd(BASE + 'c0 08 08 fdf20001'), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_OVERRUN' },
  { name: 'truncated attribute header', hex: upd(BASE + 'c0 08', NLRI), code: 3, subcode: 1, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_OVERRUN' },
  { name: 'MP_REACH overruns the attributes', hex: upd(ORIGIN + '80 0e 30 0019 46 04 c000020a 00'), code: 3, subcode: 5, action: 'session-reset', err: 'BGP_ERR_ATTR_OVERRUN' },
  // RFC 7606 §3(g)
  { name: 'MP_REACH twice', hex: upd(ORIGIN + MP_REACH + MP_REACH), code: 3, subcode: 1, action: 'session-reset', err: 'BGP_ERR_ATTR_DUPLICATE_MP' },
  { name: 'MP_UNREACH twice', hex: upd('80 0f 03 0019 46' + '80 0f 03 0019 46'), code: 3, subcode: 1, action: 'session-reset', err: 'BGP_ERR_ATTR_DUPLICATE_MP' },
  { name: 'ORIGIN twice', hex: upd(BASE + '40 01 01 02', NLRI), code: 3, subcode: 1, action: 'attribute-discard', err: 'BGP_ERR_ATTR_DUPLICATE' },
  // RFC 4271 §6.3 / §5
  { name: 'unrecognized well-known attribute', hex: upd(BASE + '40 63 01 00', NLRI), code: 3, subcode: 2, action: 'session-reset', err: 'BGP_ERR_ATTR_UNRECOGNIZED_WELL_KNOWN', data: '40630100' },
  { name: 'unrecognized optional non-transitive attribute', hex: upd(BASE + '80 63 01 00', NLRI), code: 3, subcode: 9, action: 'attribute-discard', err: 'BGP_ERR_ATTR_UNRECOGNIZED_OPTIONAL' },
  // RFC 7606 §3(c): flags
  { name: 'ORIGIN marked optional', hex: upd('c0 01 01 00' + AS_PATH + NEXT_HOP, NLRI), code: 3, subcode: 4, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_FLAGS', data: 'c0010100' },
  { name: 'COMMUNITIES marked non-transitive', hex: upd(BASE + '80 08 04 fdf20001', NLRI), code: 3, subcode: 4, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_FLAGS' },
  { name: 'MP_REACH marked transitive', hex: upd(ORIGIN + AS_PATH + MP_REACH.replace(/^80/, 'c0')), code: 3, subcode: 4, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_FLAGS' },
  // RFC 7606 §7 per attribute
  { name: 'ORIGIN value 3 (§7.1)', hex: upd('40 01 01 03' + AS_PATH + NEXT_HOP, NLRI), code: 3, subcode: 6, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_ORIGIN' },
  { name: 'ORIGIN length 2 (§7.1)', hex: upd('40 01 02 0000' + AS_PATH + NEXT_HOP, NLRI), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_ORIGIN' },
  { name: 'AS_PATH segment type 5 (§7.2)', hex: upd(ORIGIN + '40 02 06 05 01 0000fdf2' + NEXT_HOP, NLRI), code: 3, subcode: 11, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_AS_PATH' },
  { name: 'AS_PATH zero-length segment (§7.2)', hex: upd(ORIGIN + '40 02 02 02 00' + NEXT_HOP, NLRI), code: 3, subcode: 11, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_AS_PATH' },
  { name: 'AS_PATH segment overrun (§7.2)', hex: upd(ORIGIN + '40 02 06 02 02 0000fdf2' + NEXT_HOP, NLRI), code: 3, subcode: 11, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_AS_PATH' },
  { name: 'NEXT_HOP length 5 with IPv4 NLRI (§7.3)', hex: upd(ORIGIN + AS_PATH + '40 03 05 c000020100', NLRI), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_NEXT_HOP' },
  { name: 'NEXT_HOP length 5 with EVPN NLRI only (RFC 4760 §3)', hex: upd(ORIGIN + AS_PATH + '40 03 05 c000020100' + MP_REACH), code: 3, subcode: 5, action: 'attribute-discard', err: 'BGP_ERR_ATTR_NEXT_HOP' },
  { name: 'MED length 3 (§7.4)', hex: upd(BASE + '80 04 03 000064', NLRI), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_MULTI_EXIT_DISC' },
  { name: 'LOCAL_PREF length 5 (§7.5)', hex: upd(BASE + '40 05 05 0000006400', NLRI), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_LOCAL_PREF' },
  { name: 'ATOMIC_AGGREGATE length 1 (§7.6)', hex: upd(BASE + '40 06 01 00', NLRI), code: 3, subcode: 5, action: 'attribute-discard', err: 'BGP_ERR_ATTR_ATOMIC_AGGREGATE' },
  { name: 'AGGREGATOR length 7 (§7.7)', hex: upd(BASE + 'c0 07 07 0000fde8 c63364', NLRI), code: 3, subcode: 5, action: 'attribute-discard', err: 'BGP_ERR_ATTR_AGGREGATOR' },
  { name: 'COMMUNITIES length 6 (§7.8)', hex: upd(BASE + 'c0 08 06 fdf20001 0000', NLRI), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_COMMUNITIES' },
  { name: 'COMMUNITIES length 0 (§7.8)', hex: upd(BASE + 'c0 08 00', NLRI), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_COMMUNITIES' },
  { name: 'ORIGINATOR_ID length 5 (§7.9)', hex: upd(BASE + '80 09 05 c000020200', NLRI), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_ORIGINATOR_ID' },
  { name: 'CLUSTER_LIST length 6 (§7.10)', hex: upd(BASE + '80 0a 06 c0000203 0000', NLRI), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_CLUSTER_LIST' },
  { name: 'MP_REACH shorter than 5 (§7.11)', hex: upd(ORIGIN + AS_PATH + '80 0e 04 0019 46 04'), code: 3, subcode: 9, action: 'session-reset', err: 'BGP_ERR_ATTR_MP_REACH_NLRI' },
  { name: 'MP_REACH next hop overruns (§7.11, §5.3)', hex: upd(ORIGIN + AS_PATH + '80 0e 06 0019 46 04 c000'), code: 3, subcode: 9, action: 'afisafi-disable', err: 'BGP_ERR_ATTR_MP_REACH_NLRI' },
  { name: 'MP_REACH EVPN next hop of 5 octets (§7.11)', hex: upd(ORIGIN + AS_PATH + `80 0e 1d 0019 46 05 c000020a00 00 ${EVPN_T3}`), code: 3, subcode: 9, action: 'afisafi-disable', err: 'BGP_ERR_ATTR_MP_REACH_NLRI' },
  { name: 'MP_UNREACH shorter than 3 (§7.12)', hex: upd('80 0f 02 0019'), code: 3, subcode: 9, action: 'session-reset', err: 'BGP_ERR_ATTR_MP_UNREACH_NLRI' },
  { name: 'EXTENDED_COMMUNITIES length 12 (§7.14)', hex: upd(ORIGIN + AS_PATH + MP_REACH + 'c0 10 0c 0002fdf200001388 00000000'), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_EXTENDED_COMMUNITIES' },
  { name: 'PMSI_TUNNEL length 4 (RFC 6514 §5)', hex: upd(ORIGIN + AS_PATH + MP_REACH + 'c0 16 04 00 06 0013'), code: 3, subcode: 5, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_PMSI_TUNNEL' },
  // RFC 6793 §6
  { name: 'AS4_PATH malformed from a 2-octet peer', hex: upd(ORIGIN + '40 02 04 02 01 fdf2' + NEXT_HOP + 'c0 11 04 02 01 0000', NLRI), code: 3, subcode: 9, action: 'attribute-discard', err: 'BGP_ERR_ATTR_AS4_PATH', ctx: CTX2 },
  { name: 'AS4_AGGREGATOR length 6 from a 2-octet peer', hex: upd(ORIGIN + '40 02 04 02 01 fdf2' + NEXT_HOP + 'c0 12 06 0000fde8 c633', NLRI), code: 3, subcode: 5, action: 'attribute-discard', err: 'BGP_ERR_ATTR_AS4_AGGREGATOR', ctx: CTX2 },
  { name: 'AS4_PATH from a 4-octet peer', hex: upd(BASE + 'c0 11 06 02 01 0000fdf2', NLRI), code: 3, subcode: 9, action: 'attribute-discard', err: 'BGP_ERR_ATTR_AS4_PATH' },
  // RFC 7606 §3(d)
  { name: 'ORIGIN missing with IPv4 NLRI', hex: upd(AS_PATH + NEXT_HOP, NLRI), code: 3, subcode: 3, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_MISSING', data: '01' },
  { name: 'NEXT_HOP missing with IPv4 NLRI', hex: upd(ORIGIN + AS_PATH, NLRI), code: 3, subcode: 3, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_MISSING', data: '03' },
  { name: 'AS_PATH missing with EVPN NLRI', hex: upd(ORIGIN + MP_REACH), code: 3, subcode: 3, action: 'treat-as-withdraw', err: 'BGP_ERR_ATTR_MISSING', data: '02' },
];

describe('error fixtures', () => {
  for (const f of FIXTURES) {
    it(`${f.name} → ${f.code}/${f.subcode} ${f.action}`, () => {
      const r = decodeMessage(hex(f.hex), f.ctx ?? CTX4);
      const fatal = f.action === 'session-reset' || f.action === 'afisafi-disable';
      let e;
      if (fatal) {
        expect(r.ok).toBe(false);
        if (r.ok) return;
        e = r.error;
      } else {
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.errors).toHaveLength(1);
        e = r.errors[0];
      }
      expect({ code: e.code, action: e.action, notif: `${e.notification.code}/${e.notification.subcode}` }).toEqual({ code: f.err, action: f.action, notif: `${f.code}/${f.subcode}` });
      if (f.data !== undefined) expect(e.notification.data.toString('hex')).toBe(hex(f.data).toString('hex'));
    });
  }

  it('AFI/SAFI disable names the family', () => {
    const r = decodeMessage(hex(upd(ORIGIN + AS_PATH + `80 0e 1d 0019 46 05 c000020a00 00 ${EVPN_T3}`)), CTX4);
    expect(!r.ok && r.error.family).toEqual({ afi: 25, safi: 70 });
  });

  it('keeps the first of duplicate attributes (RFC 7606 §3(g))', () => {
    const r = decodeMessage(hex(upd(BASE + '40 01 01 02', NLRI)), CTX4);
    expect(r.ok && r.value.type === 'update' && r.value.attributes.origin).toBe(0);
  });

  it('decodes MP_REACH with bad flags so its routes can be withdrawn', () => {
    const r = decodeMessage(hex(upd(ORIGIN + AS_PATH + MP_REACH.replace(/^80/, 'c0'))), CTX4);
    expect(r.ok && r.value.type === 'update' && r.value.attributes.mpReach?.nlri.toString('hex')).toBe(hex(EVPN_T3).toString('hex'));
  });

  it('an EVPN-only UPDATE needs no NEXT_HOP; a withdrawal needs nothing', () => {
    expect(decodeMessage(hex(upd(ORIGIN + AS_PATH + MP_REACH)), CTX4)).toMatchObject({ ok: true, errors: [] });
    expect(decodeMessage(hex(upd('', '', '18 c00002')), CTX4)).toMatchObject({ ok: true, errors: [] });
    expect(decodeMessage(hex(upd(`80 0f 16 0019 46 ${EVPN_T3}`)), CTX4)).toMatchObject({ ok: true, errors: [] });
  });

  it('drops an unknown optional non-transitive attribute and keeps the rest', () => {
    const r = decodeMessage(hex(upd(BASE + '80 63 01 00', NLRI)), CTX4);
    expect(r.ok && r.value.type === 'update' && r.value.attributes).toEqual({ origin: 0, asPath: [{ type: 2, asns: [65010] }], nextHop: '192.0.2.1' });
  });

  it('clears the low four flag bits of an unknown attribute (RFC 4271 §4.3)', () => {
    const r = decodeMessage(hex(upd(BASE + 'c7 63 01 00', NLRI)), CTX4);
    expect(r.ok && r.value.type === 'update' && r.value.attributes.unknown).toEqual([{ flags: 0xe0, type: 0x63, value: hex('00') }]);
  });

  it('sets the Partial bit on an unknown optional transitive attribute', () => {
    const r = decodeMessage(hex(upd(BASE + 'c0 63 01 00', NLRI)), CTX4);
    expect(r.ok && r.value.type === 'update' && r.value.attributes.unknown).toEqual([{ flags: 0xe0, type: 0x63, value: hex('00') }]);
  });
});
