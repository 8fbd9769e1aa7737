/**
 * Capability fixtures `{name, hex, capability}`: each capability (RFC 5492 §4: code,
 * length, value) written out by hand from its RFC, carried alone in an OPEN (RFC 4271
 * §4.2, AS 65010, hold time 90, identifier 192.0.2.10) inside one Capabilities optional
 * parameter. Decode, encode and round trip; plus the parameter forms our encoder does
 * not write (several capabilities in one parameter, RFC 9072 extended lengths) and the
 * ROUTE-REFRESH subtypes of RFC 7313 §3.2.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/message.js';
import type { Capability, OpenMessage } from '../../../src/bgp/wire/types.js';
import { CTX4, hex, msg } from './helpers.js';

interface CapFixture {
  name: string;
  /** The capability TLV. */
  hex: string;
  capability: Capability;
  /** What our encoder writes when it differs (reserved bits cleared). */
  encodesAs?: string;
}

const FIXTURES: CapFixture[] = [
  // RFC 4760 §8: AFI (2), reserved (1), SAFI (1)
  { name: 'multiprotocol l2vpn/evpn', hex: '01 04 0019 00 46', capability: { kind: 'multiprotocol', afi: 25, safi: 70 } },
  { name: 'multiprotocol ipv4/unicast', hex: '01 04 0001 00 01', capability: { kind: 'multiprotocol', afi: 1, safi: 1 } },
  { name: 'multiprotocol with the reserved octet set', hex: '01 04 0001 ff 01', capability: { kind: 'multiprotocol', afi: 1, safi: 1 }, encodesAs: '01 04 0001 00 01' },
  // RFC 2918 §2, RFC 7313 §3.1: no value
  { name: 'route refresh', hex: '02 00', capability: { kind: 'route-refresh' } },
  { name: 'enhanced route refresh', hex: '46 00', capability: { kind: 'enhanced-route-refresh' } },
  // RFC 6793 §3: the 4-octet AS
  { name: '4-octet AS', hex: '41 04 00030d40', capability: { kind: 'four-octet-as', asn: 200000 } },
  // RFC 4724 §3: Restart Flags (R = 0x8, N = 0x4 of RFC 8538 §2) and 12-bit time, then per
  // family AFI, SAFI, flags (F = 0x80).
  {
    name: 'graceful restart with R and N, one family with F',
    hex: '40 06 c078 | 0019 46 80',
    capability: { kind: 'graceful-restart', restarting: true, notification: true, restartTime: 120, families: [{ afi: 25, safi: 70, forwardingPreserved: true }] },
  },
  {
    name: 'graceful restart without flags, two families, F on one',
    hex: '40 0a 005a | 0001 01 00 | 0019 46 80',
    capability: {
      kind: 'graceful-restart', restarting: false, notification: false, restartTime: 90,
      families: [{ afi: 1, safi: 1, forwardingPreserved: false }, { afi: 25, safi: 70, forwardingPreserved: true }],
    },
  },
  {
    name: 'graceful restart, R only, no families, time 4095',
    hex: '40 02 8fff',
    capability: { kind: 'graceful-restart', restarting: true, notification: false, restartTime: 4095, families: [] },
  },
  {
    name: 'graceful restart with reserved flag bits set',
    hex: '40 06 3078 | 0019 46 7f',
    capability: { kind: 'graceful-restart', restarting: false, notification: false, restartTime: 120, families: [{ afi: 25, safi: 70, forwardingPreserved: false }] },
    encodesAs: '40 06 0078 | 0019 46 00',
  },
  // RFC 5492 §3: unknown capabilities are kept as received.
  { name: 'unknown capability (73, FQDN) kept', hex: '49 05 03 6c3262 00', capability: { kind: 'unknown', code: 73, value: hex('03 6c3262 00') } },
  { name: 'unknown capability with no value kept', hex: 'c8 00', capability: { kind: 'unknown', code: 200, value: Buffer.alloc(0) } },
  // A known code whose value has the wrong shape is kept as unknown, for the FSM to judge.
  { name: 'multiprotocol of 3 octets kept as unknown', hex: '01 03 0001 00', capability: { kind: 'unknown', code: 1, value: hex('0001 00') } },
  { name: 'route refresh with a value kept as unknown', hex: '02 01 00', capability: { kind: 'unknown', code: 2, value: hex('00') } },
  { name: 'graceful restart of 3 octets kept as unknown', hex: '40 03 0078 00', capability: { kind: 'unknown', code: 64, value: hex('0078 00') } },
];

const len8 = (n: number): string => n.toString(16).padStart(2, '0');
/** OPEN with one Capabilities parameter (type 2) holding `caps`. */
const open = (caps: string): string => {
  const c = hex(caps);
  return msg(1, `04 fdf2 005a c000020a ${len8(c.length + 2)} 02 ${len8(c.length)} ${c.toString('hex')}`);
};
const openMsg = (capabilities: Capability[]): OpenMessage => ({ type: 'open', version: 4, myAs: 65010, holdTime: 90, bgpId: 0xc000020a, capabilities });

describe('capability fixtures', () => {
  for (const f of FIXTURES) {
    describe(f.name, () => {
      it('decodes', () => {
        expect(decodeMessage(hex(open(f.hex)), CTX4)).toEqual({ ok: true, value: openMsg([f.capability]), errors: [] });
      });
      it('encodes', () => {
        expect(encodeMessage(openMsg([f.capability]), CTX4).toString('hex')).toBe(hex(open(f.encodesAs ?? f.hex)).toString('hex'));
      });
      it('round-trips', () => {
        expect(decodeMessage(encodeMessage(openMsg([f.capability]), CTX4), CTX4)).toEqual({ ok: true, value: openMsg([f.capability]), errors: [] });
      });
    });
  }

  it('decodes several capabilities in one parameter and in several (RFC 5492 §4)', () => {
    const oneParam = msg(1, '04 fdf2 005a c000020a 0c 02 0a | 02 00 | 46 00 | 41 04 0000fdf2');
    const caps: Capability[] = [{ kind: 'route-refresh' }, { kind: 'enhanced-route-refresh' }, { kind: 'four-octet-as', asn: 65010 }];
    expect(decodeMessage(hex(oneParam), CTX4)).toEqual({ ok: true, value: openMsg(caps), errors: [] });
    // Our encoder writes one capability per parameter.
    expect(encodeMessage(openMsg(caps), CTX4).toString('hex')).toBe(hex(msg(1, '04 fdf2 005a c000020a 10 02 02 0200 02 02 4600 02 06 41040000fdf2')).toString('hex'));
  });

  it('decodes RFC 9072 extended optional parameters with several parameters', () => {
    // Non-Ext OP Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length 20; then two
    // parameters with 2-octet lengths: MP l2vpn/evpn, and route refresh + 4-octet AS.
    const ext = msg(1, '04 fdf2 005a c000020a ff ff 0014 | 02 0006 01 04 0019 00 46 | 02 0008 02 00 41 04 00030d40');
    expect(decodeMessage(hex(ext), CTX4)).toEqual({
      ok: true,
      value: openMsg([{ kind: 'multiprotocol', afi: 25, safi: 70 }, { kind: 'route-refresh' }, { kind: 'four-octet-as', asn: 200000 }]),
      errors: [],
    });
  });

  it('reads Non-Ext OP Len 255 without the 255 type as a classic length (RFC 9072 §2)', () => {
    // 255 octets of parameters: 63 parameters of route refresh (4 octets) + 1 of 3 octets.
    const params = '02 02 02 00'.repeat(63) + '02 01 00';
    const r = decodeMessage(hex(msg(1, `04 fdf2 005a c000020a ff ${params}`)), CTX4);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('BGP_ERR_OPEN_CAPABILITY_LENGTH');
  });
});

describe('ROUTE-REFRESH subtypes (RFC 7313 §3.2)', () => {
  const cases = [
    { name: 'request', hex: msg(5, '0019 00 46'), subtype: 0 },
    { name: 'BoRR', hex: msg(5, '0019 01 46'), subtype: 1 },
    { name: 'EoRR', hex: msg(5, '0019 02 46'), subtype: 2 },
    // RFC 7313 §5: an unknown subtype is ignored by the session; the codec hands it over.
    { name: 'unknown subtype 3', hex: msg(5, '0019 03 46'), subtype: 3 },
  ];
  for (const c of cases) {
    it(`${c.name}: decode, encode, round trip`, () => {
      const m = { type: 'route-refresh' as const, afi: 25, subtype: c.subtype, safi: 70 };
      expect(decodeMessage(hex(c.hex), CTX4)).toEqual({ ok: true, value: m, errors: [] });
      expect(encodeMessage(m, CTX4).toString('hex')).toBe(hex(c.hex).toString('hex'));
    });
  }
  it('EoRR of 24 octets is 7/1 with the whole message as data (RFC 7313 §5)', () => {
    const b = hex(msg(5, '0019 02 46 00'));
    const r = decodeMessage(b, CTX4);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.notification).toEqual({ code: 7, subcode: 1, data: b });
  });
});
