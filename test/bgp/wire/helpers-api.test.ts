import { describe, expect, it } from 'vitest';
import {
  decodeShutdownCommunication,
  describeNotification,
  encodeMessage,
  encodeShutdownCommunication,
  endOfRib,
  endOfRibFamily,
  decodeMessage,
} from '../../../src/bgp/wire/message.js';
import { formatIpv4, parseRouterId } from '../../../src/bgp/wire/ipv4.js';
import { decodeIpv4PrefixesAt, encodeIpv4Prefixes } from '../../../src/bgp/wire/prefix.js';
import { Writer } from '../../../src/bgp/wire/writer.js';
import type { OpenMessage, UpdateMessage } from '../../../src/bgp/wire/types.js';
import { CTX2, CTX4, hex } from './helpers.js';

describe('describeNotification', () => {
  it('names codes and subcodes from the RFCs', () => {
    expect(describeNotification(6, 2)).toBe('Cease/Administrative Shutdown');
    expect(describeNotification(3, 11)).toBe('UPDATE Message Error/Malformed AS_PATH');
    expect(describeNotification(1, 1)).toBe('Message Header Error/Connection Not Synchronized');
    expect(describeNotification(7, 1)).toBe('ROUTE-REFRESH Message Error/Invalid Message Length');
    expect(describeNotification(4, 0)).toBe('Hold Timer Expired');
    expect(describeNotification(2, 0)).toBe('OPEN Message Error/Unspecific');
    expect(describeNotification(6, 99)).toBe('Cease/Unknown Subcode 99');
    expect(describeNotification(42, 1)).toBe('Unknown Error 42/Unknown Subcode 1');
  });
});

describe('shutdown communication (RFC 9003)', () => {
  it('encodes length and UTF-8', () => {
    expect(encodeShutdownCommunication('bye').toString('hex')).toBe('03627965');
    expect(encodeShutdownCommunication('').toString('hex')).toBe('00');
  });

  it('cuts at 255 octets on a character boundary', () => {
    const b = encodeShutdownCommunication('é'.repeat(200)); // 2 octets each
    expect(b[0]).toBe(254);
    expect(b.length).toBe(255);
    expect(decodeShutdownCommunication(b)).toEqual({ text: 'é'.repeat(127) });
    const c = encodeShutdownCommunication('a' + '€'.repeat(100)); // 1 + 3 × 100
    expect(c[0]).toBe(253);
    expect(decodeShutdownCommunication(c)).toEqual({ text: 'a' + '€'.repeat(84) });
  });

  it('decodes any bytes safely', () => {
    expect(decodeShutdownCommunication(hex('03 627965'))).toEqual({ text: 'bye' });
    expect(decodeShutdownCommunication(Buffer.alloc(0))).toEqual({ text: '' });
    expect(decodeShutdownCommunication(hex('00'))).toEqual({ text: '' });
    expect(decodeShutdownCommunication(hex('05 6162'))).toMatchObject({ error: expect.stringContaining('overruns') });
    expect(decodeShutdownCommunication(hex('02 c328'))).toMatchObject({ error: expect.stringContaining('UTF-8') });
    expect(decodeShutdownCommunication(hex('07 610a620d1b5c63'))).toEqual({ text: 'a\\u000ab\\u000d\\u001b\\\\c' });
    expect(decodeShutdownCommunication(hex('03 e280a8'))).toEqual({ text: '\\u2028' });
  });
});

describe('End-of-RIB (RFC 4724 §2)', () => {
  it('round-trips for ipv4/unicast and l2vpn/evpn', () => {
    for (const fam of [{ afi: 1, safi: 1 }, { afi: 25, safi: 70 }]) {
      const r = decodeMessage(encodeMessage(endOfRib(fam), CTX4), CTX4);
      expect(r.ok && r.value.type === 'update' && endOfRibFamily(r.value)).toEqual(fam);
    }
  });

  it('is not recognized with routes or other attributes', () => {
    const base: UpdateMessage = { type: 'update', withdrawn: [], nlri: [], attributes: {} };
    expect(endOfRibFamily({ ...base, nlri: [{ addr: 0, len: 0 }] })).toBeNull();
    expect(endOfRibFamily({ ...base, attributes: { origin: 0 } })).toBeNull();
    expect(endOfRibFamily({ ...base, attributes: { mpUnreach: { afi: 25, safi: 70, nlri: hex('00') } } })).toBeNull();
    expect(endOfRibFamily({ ...base, attributes: { origin: 0, mpUnreach: { afi: 25, safi: 70, nlri: Buffer.alloc(0) } } })).toBeNull();
  });
});

describe('router ids and prefixes', () => {
  it('formats and parses BGP identifiers', () => {
    expect(formatIpv4(0xc000020a)).toBe('192.0.2.10');
    expect(formatIpv4(0xffffffff)).toBe('255.255.255.255');
    expect(parseRouterId('192.0.2.10')).toBe(0xc000020a);
    expect(parseRouterId('256.0.0.1')).toBeUndefined();
    expect(parseRouterId('1.2.3')).toBeUndefined();
    expect(parseRouterId(' 1.2.3.4')).toBeUndefined();
    expect(parseRouterId('010.0.0.1')).toBeUndefined(); // octal to inet_aton(3): refused, not guessed
  });

  it('decodes and encodes IPv4 prefixes (RFC 4271 §4.3)', () => {
    const field = hex('00 | 08 0a | 11 c0a880 | 20 c0000201');
    const p = decodeIpv4PrefixesAt(field, 0, field.length);
    expect(p).toEqual([{ addr: 0, len: 0 }, { addr: 0x0a000000, len: 8 }, { addr: 0xc0a88000, len: 17 }, { addr: 0xc0000201, len: 32 }]);
    const w = new Writer();
    encodeIpv4Prefixes(w, p ?? []);
    expect(w.copy().toString('hex')).toBe(field.toString('hex'));
    // Trailing bits past the length are cleared.
    expect(decodeIpv4PrefixesAt(hex('07 ff'), 0, 2)).toEqual([{ addr: 0xfe000000, len: 7 }]);
    expect(decodeIpv4PrefixesAt(hex('21 0a000000 00'), 0, 6)).toBeUndefined();
    expect(decodeIpv4PrefixesAt(hex('18 0a00'), 0, 3)).toBeUndefined();
  });
});

describe('encoder limits', () => {
  it('writes the RFC 9072 extended form when capabilities pass 255 octets', () => {
    const open: OpenMessage = {
      type: 'open', version: 4, myAs: 65010, holdTime: 90, bgpId: 1,
      capabilities: Array.from({ length: 30 }, (_, i) => ({ kind: 'unknown' as const, code: 200, value: Buffer.alloc(10, i) })),
    };
    const b = encodeMessage(open, CTX4);
    expect(b[28]).toBe(255);
    expect(b[29]).toBe(255);
    expect(decodeMessage(b, CTX4)).toEqual({ ok: true, value: open, errors: [] });
  });

  it('cuts NOTIFICATION data to fit 4096 octets and refuses an oversize UPDATE', () => {
    const n = encodeMessage({ type: 'notification', code: 6, subcode: 2, data: Buffer.alloc(5000) }, CTX4);
    expect(n.length).toBe(4096);
    expect(n.readUInt16BE(16)).toBe(4096);
    const big: UpdateMessage = { type: 'update', withdrawn: [], nlri: [], attributes: { extCommunities: Buffer.alloc(8 * 600) } };
    expect(() => encodeMessage(big, CTX4)).toThrow(RangeError);
  });

  it('splits AS_PATH segments longer than 255 ASes', () => {
    const asns = Array.from({ length: 300 }, (_, i) => 64512 + i);
    const u: UpdateMessage = { type: 'update', withdrawn: [], nlri: [], attributes: { asPath: [{ type: 2, asns }] } };
    const r = decodeMessage(encodeMessage(u, CTX2), CTX2);
    expect(r.ok && r.value.type === 'update' && r.value.attributes.asPath).toEqual([{ type: 2, asns: asns.slice(0, 255) }, { type: 2, asns: asns.slice(255) }]);
  });
});

describe('capability limits', () => {
  it('refuses a capability value past 255 octets (RFC 5492 §4)', () => {
    const open: OpenMessage = { type: 'open', version: 4, myAs: 1, holdTime: 90, bgpId: 1, capabilities: [{ kind: 'unknown', code: 200, value: Buffer.alloc(256) }] };
    expect(() => encodeMessage(open, CTX4)).toThrow(RangeError);
  });

  it('carries a 255-octet capability in the RFC 9072 form', () => {
    const open: OpenMessage = { type: 'open', version: 4, myAs: 1, holdTime: 90, bgpId: 1, capabilities: [{ kind: 'unknown', code: 200, value: Buffer.alloc(255, 7) }] };
    expect(decodeMessage(encodeMessage(open, CTX4), CTX4)).toEqual({ ok: true, value: open, errors: [] });
  });
});
