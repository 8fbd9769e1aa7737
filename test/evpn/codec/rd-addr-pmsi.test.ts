import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRd, encodeRd, parseAdminAssigned, parseRd, readRd, writeRd } from '../../../src/evpn/rd.js';
import { canonicalIpv6, formatIp, formatMac, parseIp, parseMac, readIpv6 } from '../../../src/evpn/addr.js';
import { ingressReplicationPmsi, readPmsiTunnel } from '../../../src/evpn/pmsi.js';

describe('route distinguishers (RFC 4364 §4.2)', () => {
  const cases: Array<[string, string, string]> = [
    ['65000:100', '0000fde800000064', '65000:100'],
    ['192.0.2.1:5', '0001c00002010005', '192.0.2.1:5'],
    ['4200000000:7', '0002fa56ea000007', '4200000000:7'],
    ['65000L:7', '00020000fde80007', '65000L:7'],
    ['0:4294967295', '00000000ffffffff', '0:4294967295'],
  ];
  for (const [text, hex, canon] of cases) {
    it(`${text} ⇄ ${hex}`, () => {
      expect(parseRd(text)).toEqual({ ok: true, value: canon });
      const e = encodeRd(text);
      expect(e.ok && e.value.toString('hex')).toBe(hex);
      expect(decodeRd(Buffer.from(hex, 'hex'))).toEqual({ ok: true, value: canon });
    });
  }
  it('rejects bad text and unknown types', () => {
    expect(parseRd('65000').ok).toBe(false);
    expect(parseRd('300.0.0.1:1').ok).toBe(false);
    expect(parseRd('01.2.3.4:1').ok).toBe(false);
    expect(decodeRd(Buffer.from('0003000000000000', 'hex')).ok).toBe(false);
    expect(decodeRd(Buffer.alloc(7)).ok).toBe(false);
  });
  it('reads leading zeros and says which part is wrong', () => {
    expect(parseRd('065000:04294967295')).toEqual({ ok: true, value: '65000:4294967295' });
    expect(parseAdminAssigned('x:1')).toMatchObject({ ok: false, fault: 'form' });
    expect(parseAdminAssigned('192.0.2.1:x')).toMatchObject({ ok: false, fault: 'form' });
    expect(parseAdminAssigned('4294967296:x')).toMatchObject({ ok: false, fault: 'form' });
    expect(parseAdminAssigned('4294967296:1')).toMatchObject({ ok: false, fault: 'as' });
    expect(parseAdminAssigned('0:4294967296')).toMatchObject({ ok: false, fault: 'number', read: { type: 0, admin: 0 } });
    expect(parseAdminAssigned('192.0.2.1:65536')).toMatchObject({ ok: false, fault: 'number', read: { type: 1 } });
    expect(parseAdminAssigned('100L:65536')).toMatchObject({ ok: false, fault: 'number', read: { type: 2, admin: 100 } });
  });
  it('octets → text → octets for types 0–2', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ minLength: 6, maxLength: 6 }), (t, v) => {
        const b = Buffer.concat([Buffer.from([0, t]), Buffer.from(v)]);
        const d = decodeRd(b);
        if (!d.ok) throw new Error(d.error);
        const e = encodeRd(d.value);
        expect(e.ok && e.value.equals(b)).toBe(true);
      }),
    );
  });
  it('runs of one RD, read and written in turn, each as if alone (the last one is remembered)', () => {
    const rds = ['65000:100', '192.0.2.1:5', '65000L:7', '0:100', '65000:101'];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: rds.length - 1 }), { maxLength: 20 }), (picks) => {
        const buf = Buffer.alloc(8 * picks.length);
        picks.forEach((p, i) => writeRd(rds[p], buf, 8 * i));
        picks.forEach((p, i) => {
          const alone = encodeRd(rds[p]);
          expect(alone.ok && alone.value.equals(buf.subarray(8 * i, 8 * i + 8))).toBe(true);
          expect(readRd(buf, 8 * i)).toBe(rds[p]);
        });
      }),
    );
    // An unknown type after a known RD with the same value octets is still unknown.
    const known = Buffer.from('0000fde800000064', 'hex');
    expect(readRd(known, 0)).toBe('65000:100');
    expect(readRd(Buffer.from('0003fde800000064', 'hex'), 0)).toBeUndefined();
    // A refused write leaves the remembered one as it was.
    const out = Buffer.alloc(8);
    writeRd('65000:100', out, 0);
    expect(() => writeRd('bad', Buffer.alloc(8), 0)).toThrow(TypeError);
    const again = Buffer.alloc(8);
    writeRd('65000:100', again, 0);
    expect(again.equals(known)).toBe(true);
  });
});

describe('MAC and IP text', () => {
  it('MAC both ways', () => {
    expect(formatMac(0xaabbccddeeff)).toBe('aa:bb:cc:dd:ee:ff');
    expect(formatMac(0x000000000001)).toBe('00:00:00:00:00:01');
    expect(parseMac('AA:BB:CC:DD:EE:FF')).toBe(0xaabbccddeeff);
    expect(parseMac('aa-bb-cc-dd-ee-ff')).toBe(0xaabbccddeeff);
    expect(parseMac('aabb.ccdd.eeff')).toBe(0xaabbccddeeff);
    for (const bad of ['aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:ff:00', 'aabb:ccdd:eeff', 'a:bb:cc:dd:ee:fff', 'gg:bb:cc:dd:ee:ff', 'aa:bb-cc:dd:ee:ff', '']) {
      expect(parseMac(bad), bad).toBeUndefined();
    }
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (m) => {
      expect(parseMac(formatMac(m))).toBe(m);
    }));
  });

  it('IPv6 canonical text (RFC 5952)', () => {
    expect(canonicalIpv6('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIpv6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIpv6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(canonicalIpv6('::')).toBe('::');
    expect(canonicalIpv6('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(canonicalIpv6('1::')).toBe('1::');
    for (const bad of ['1:2:3:4:5:6:7', '1::2::3', '12345::', 'g::', '1:2:3:4:5:6:7:8:9', '::1.2.3']) {
      expect(canonicalIpv6(bad), bad).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (a) => {
        const text = readIpv6(Buffer.from(a), 0);
        expect(canonicalIpv6(text)).toBe(text);
      }),
    );
  });

  it('parseIp/formatIp', () => {
    expect(parseIp('192.0.2.1')).toEqual({ v: 4, addr: 0xc0000201 });
    expect(parseIp('2001:db8::0:1')).toEqual({ v: 6, addr: '2001:db8::1' });
    expect(parseIp('192.0.2')).toBeUndefined();
    expect(formatIp({ v: 4, addr: 0xc0000201 })).toBe('192.0.2.1');
  });
});

describe('PMSI tunnel (RFC 6514 §5, RFC 8365 §5.1.3)', () => {
  it('ingress replication with the VNI in the whole label field', () => {
    const p = ingressReplicationPmsi(5000, { v: 4, addr: 0xc0000201 });
    expect(p).toEqual({ flags: 0, tunnelType: 6, label: 5000, tunnelId: Buffer.from('c0000201', 'hex') });
    expect(readPmsiTunnel(p)).toEqual({ kind: 'ingress-replication', vni: 5000, endpoint: { v: 4, addr: 0xc0000201 }, leafInfoRequired: false });
    expect(ingressReplicationPmsi(0xffffff, { v: 4, addr: 1 }).label).toBe(0xffffff);
  });
  it('IPv6 endpoint, other types, bad identifiers', () => {
    const p = ingressReplicationPmsi(10, { v: 6, addr: '2001:db8::1' });
    expect(p.tunnelId.toString('hex')).toBe('20010db8000000000000000000000001');
    expect(readPmsiTunnel(p)).toMatchObject({ kind: 'ingress-replication', endpoint: { v: 6, addr: '2001:db8::1' } });
    expect(readPmsiTunnel({ flags: 0, tunnelType: 3, label: 0, tunnelId: Buffer.alloc(8) })).toEqual({ kind: 'other', tunnelType: 3 });
    expect(readPmsiTunnel({ flags: 1, tunnelType: 6, label: 0, tunnelId: Buffer.alloc(5) }).kind).toBe('invalid');
  });
});
