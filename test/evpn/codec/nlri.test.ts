import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEvpnNlri, encodeEvpnNlri, encodeEvpnRoute, evpnRouteValueLength, writeEvpnRoute } from '../../../src/evpn/nlri.js';
import { formatEvpnPrefix, evpnRouteKey } from '../../../src/evpn/format.js';
import { readIpv6 } from '../../../src/evpn/addr.js';
import type { EvpnRoute, IpAddress } from '../../../src/evpn/types.js';
import { nlriErrorFixtures, nlriFixtures } from '../../fixtures/evpn/nlri-fixtures.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('EVPN NLRI fixtures', () => {
  for (const f of nlriFixtures) {
    it(`decodes ${f.name}`, () => {
      const r = decodeEvpnNlri(hex(f.hex));
      expect(r).toEqual({ routes: [f.route], errors: [] });
    });
    it(`encodes ${f.name}`, () => {
      expect(encodeEvpnRoute(f.route).toString('hex')).toBe(hex(f.hex).toString('hex'));
    });
    it(`formats ${f.name}`, () => {
      expect(formatEvpnPrefix(f.route)).toBe(f.prefix);
    });
  }

  it('decodes and encodes all fixtures in one field', () => {
    const all = Buffer.concat(nlriFixtures.map((f) => hex(f.hex)));
    const r = decodeEvpnNlri(all);
    expect(r).toEqual({ routes: nlriFixtures.map((f) => f.route), errors: [] });
    expect(encodeEvpnNlri(nlriFixtures.map((f) => f.route)).equals(all)).toBe(true);
  });

  it('writes a route into a caller buffer at an offset', () => {
    const f = nlriFixtures[1];
    const buf = Buffer.alloc(3 + 2 + evpnRouteValueLength(f.route));
    expect(writeEvpnRoute(f.route, buf, 3)).toBe(buf.length);
    expect(buf.subarray(3).equals(hex(f.hex))).toBe(true);
  });

  it('an empty field is no routes', () => {
    expect(decodeEvpnNlri(Buffer.alloc(0))).toEqual({ routes: [], errors: [] });
  });

  it('route keys carry the RD', () => {
    expect(evpnRouteKey(nlriFixtures[6].route)).toBe('192.0.2.1:5 [3]:[0]:[32]:[192.0.2.1]');
  });
});

describe('EVPN NLRI error fixtures', () => {
  for (const f of nlriErrorFixtures) {
    it(f.name, () => {
      const buf = hex(f.hex);
      const r = decodeEvpnNlri(buf);
      if (f.fatal) {
        expect('fatal' in r).toBe(true);
        if (!('fatal' in r)) return;
        expect(r.fatal.code).toBe(f.fatal);
        expect(r.fatal.action).toBe('session-reset');
        // RFC 4760 §7 / RFC 7606 §5.3: UPDATE Message Error / Optional Attribute Error
        expect(r.fatal.notification.code).toBe(3);
        expect(r.fatal.notification.subcode).toBe(9);
        return;
      }
      if ('fatal' in r) throw new Error(`unexpected fatal: ${r.fatal.message}`);
      expect(r.routes).toHaveLength(f.kept);
      expect(r.errors.map((e) => e.code)).toEqual(f.errors);
      for (const e of r.errors) {
        expect(e.raw.length).toBe(2 + buf[e.offset + 1]);
        expect(e.routeType).toBe(buf[e.offset]);
      }
    });
  }
});

// ---------------------------------------------------------------- properties

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u24 = fc.integer({ min: 0, max: 0xffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const rdArb = fc.oneof(
  fc.tuple(u16, u32).map(([a, n]) => `${a}:${n}`),
  fc.tuple(u32, u16).map(([ip, n]) => `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}:${n}`),
  fc.tuple(u32, u16).map(([a, n]) => (a > 0xffff ? `${a}:${n}` : `${a}L:${n}`)),
);
const esiArb = fc.uint8Array({ minLength: 10, maxLength: 10 }).map((a) => Buffer.from(a).toString('hex'));
const ip4: fc.Arbitrary<IpAddress> = u32.map((addr) => ({ v: 4 as const, addr }));
const ip6: fc.Arbitrary<IpAddress> = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .chain((a) => fc.constantFrom(a, new Uint8Array(16), Uint8Array.from([0x20, 1, 0xd, 0xb8, ...new Array<number>(11).fill(0), 1])))
  .map((a) => ({ v: 6 as const, addr: readIpv6(Buffer.from(a), 0) }));
const ipArb = fc.oneof(ip4, ip6);
const macArb = fc.integer({ min: 0, max: 2 ** 48 - 1 });

const routeArb: fc.Arbitrary<EvpnRoute> = fc.oneof(
  fc.record({ type: fc.constant(1 as const), rd: rdArb, esi: esiArb, ethTag: u32, label: u24 }),
  fc
    .record({ rd: rdArb, esi: esiArb, ethTag: u32, mac: macArb, ip: fc.option(ipArb, { nil: undefined }), label1: u24, label2: fc.option(u24, { nil: undefined }) })
    .map((r) => {
      const out: EvpnRoute = { type: 2, rd: r.rd, esi: r.esi, ethTag: r.ethTag, mac: r.mac, label1: r.label1 };
      if (r.ip) out.ip = r.ip;
      if (r.label2 !== undefined) out.label2 = r.label2;
      return out;
    }),
  fc.record({ type: fc.constant(3 as const), rd: rdArb, ethTag: u32, originator: ipArb }),
  fc.record({ type: fc.constant(4 as const), rd: rdArb, esi: esiArb, originator: ipArb }),
  fc.boolean().chain((v4) =>
    fc.record({
      type: fc.constant(5 as const),
      rd: rdArb,
      esi: esiArb,
      ethTag: u32,
      prefixLen: fc.integer({ min: 0, max: v4 ? 32 : 128 }),
      prefix: v4 ? ip4 : ip6,
      gateway: v4 ? ip4 : ip6,
      label: u24,
    }),
  ),
);

describe('EVPN NLRI properties', () => {
  it('round trip: decode(encode(routes)) = routes', () => {
    fc.assert(
      fc.property(fc.array(routeArb, { maxLength: 8 }), (routes) => {
        const buf = encodeEvpnNlri(routes);
        expect(decodeEvpnNlri(buf)).toEqual({ routes, errors: [] });
      }),
      { numRuns: 500 },
    );
  });

  it('a mutated field never throws; every route that decodes survives encode and decode again', () => {
    fc.assert(
      fc.property(
        fc.array(routeArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (routes, flips, cut) => {
          const buf = Buffer.from(encodeEvpnNlri(routes));
          for (const [pos, val] of flips) buf[pos % buf.length] = val;
          const mutated = cut % 3 === 0 ? buf.subarray(0, cut % (buf.length + 1)) : buf;
          const r = decodeEvpnNlri(mutated);
          if ('fatal' in r) {
            expect(r.fatal.notification.code).toBe(3);
            return;
          }
          for (const route of r.routes) {
            const again = decodeEvpnNlri(encodeEvpnRoute(route));
            expect(again).toEqual({ routes: [route], errors: [] });
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (a) => {
        const r = decodeEvpnNlri(Buffer.from(a));
        expect(r).toBeTypeOf('object');
      }),
      { numRuns: 2000 },
    );
  });
});
