import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BgpFramer } from '../../../src/bgp/wire/framer.js';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/message.js';
import type { AsPathSegment, BgpMessage, Capability, Ipv4Prefix, PathAttributes, UpdateMessage } from '../../../src/bgp/wire/types.js';
import { CTX2, CTX4 } from './helpers.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a));
const ipv4 = fc.tuple(u8, u8, u8, u8).map((o) => o.join('.'));
const KNOWN_CAPS = new Set([1, 2, 64, 65, 70]);
const KNOWN_ATTRS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 22]);

const capability: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ kind: fc.constant('multiprotocol' as const), afi: u16, safi: u8 }),
  fc.constant({ kind: 'route-refresh' as const }),
  fc.constant({ kind: 'enhanced-route-refresh' as const }),
  fc.record({ kind: fc.constant('four-octet-as' as const), asn: u32 }),
  fc.record({
    kind: fc.constant('graceful-restart' as const),
    restarting: fc.boolean(),
    notification: fc.boolean(),
    restartTime: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(fc.record({ afi: u16, safi: u8, forwardingPreserved: fc.boolean() }), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('unknown' as const), code: u8.filter((c) => !KNOWN_CAPS.has(c)), value: bytes(0, 20) }),
);

const open: fc.Arbitrary<BgpMessage> = fc.record({
  type: fc.constant('open' as const), version: u8, myAs: u16, holdTime: u16, bgpId: u32,
  capabilities: fc.array(capability, { maxLength: 12 }),
});

const prefix: fc.Arbitrary<Ipv4Prefix> = fc.tuple(u32, fc.integer({ min: 0, max: 32 })).map(([a, len]) => ({
  addr: len === 0 ? 0 : (a & (0xffffffff << (32 - len))) >>> 0,
  len,
}));

const segment = (asn: fc.Arbitrary<number>, types: number[]): fc.Arbitrary<AsPathSegment> =>
  fc.record({ type: fc.constantFrom(...types), asns: fc.array(asn, { minLength: 1, maxLength: 8 }) });

const attributes: fc.Arbitrary<PathAttributes> = fc.record(
  {
    origin: fc.integer({ min: 0, max: 2 }),
    asPath: fc.array(segment(u32, [1, 2, 3, 4]), { maxLength: 4 }),
    nextHop: ipv4,
    med: u32,
    localPref: u32,
    atomicAggregate: fc.constant(true),
    aggregator: fc.record({ asn: u32, address: ipv4 }),
    communities: fc.array(u32, { minLength: 1, maxLength: 6 }),
    originatorId: u32,
    clusterList: fc.array(u32, { minLength: 1, maxLength: 4 }),
    mpReach: fc.oneof(
      fc.record({ afi: fc.constant(25), safi: fc.constant(70), nextHop: fc.constantFrom(4, 16).chain((n) => bytes(n, n)), nlri: bytes(0, 200) }),
      fc.record({ afi: fc.constant(16388), safi: fc.constant(128), nextHop: bytes(0, 40), nlri: bytes(0, 100) }),
    ),
    mpUnreach: fc.record({ afi: u16, safi: u8, nlri: bytes(0, 200) }),
    extCommunities: fc.integer({ min: 1, max: 40 }).chain((n) => bytes(8 * n, 8 * n)),
    pmsiTunnel: fc.record({ flags: u8, tunnelType: u8, label: fc.integer({ min: 0, max: 0xffffff }), tunnelId: bytes(0, 16) }),
    unknown: fc
      .uniqueArray(fc.record({ flags: fc.constant(0xe0), type: u8.filter((t) => !KNOWN_ATTRS.has(t)), value: bytes(0, 300) }), { selector: (u) => u.type, maxLength: 3 })
      .filter((a) => a.length > 0)
      .map((a) => [...a].sort((x, y) => x.type - y.type)),
  },
  { requiredKeys: [] },
);

const update: fc.Arbitrary<UpdateMessage> = fc.record({
  type: fc.constant('update' as const),
  withdrawn: fc.array(prefix, { maxLength: 20 }),
  attributes,
  nlri: fc.array(prefix, { maxLength: 20 }),
});

const notification: fc.Arbitrary<BgpMessage> = fc.record({ type: fc.constant('notification' as const), code: u8, subcode: u8, data: bytes(0, 100) });
const routeRefresh: fc.Arbitrary<BgpMessage> = fc.record({ type: fc.constant('route-refresh' as const), afi: u16, subtype: u8, safi: u8 });
const message: fc.Arbitrary<BgpMessage> = fc.oneof(open, update, notification, routeRefresh, fc.constant({ type: 'keepalive' as const }));

describe('properties', () => {
  it('round-trips generated messages (4-octet AS session)', () => {
    fc.assert(
      fc.property(message, (m) => {
        const r = decodeMessage(encodeMessage(m, CTX4), CTX4);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value).toEqual(m);
        // Only RFC 7606 §3(d) may complain: generated UPDATEs need not carry the mandatory attributes.
        for (const e of r.errors) expect(e.code).toBe('BGP_ERR_ATTR_MISSING');
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips AS paths through a 2-octet AS session via AS_TRANS and AS4_PATH (RFC 6793)', () => {
    const path = fc
      .tuple(fc.array(segment(u16, [3, 4]), { maxLength: 2 }), fc.array(segment(u32, [1, 2]), { maxLength: 4 }))
      .map(([confed, rest]) => [...confed, ...rest]);
    fc.assert(
      fc.property(path, fc.option(fc.record({ asn: u32, address: ipv4 }), { nil: undefined }), (asPath, aggregator) => {
        const attributes: PathAttributes = { origin: 0, asPath };
        // RFC 6793 §4.2.3: a 2-octet AGGREGATOR other than AS_TRANS voids AS4_PATH.
        if (aggregator && (aggregator.asn > 0xffff || !asPath.some((s) => s.asns.some((a) => a > 0xffff)))) attributes.aggregator = aggregator;
        const m: UpdateMessage = { type: 'update', withdrawn: [], nlri: [], attributes };
        const r = decodeMessage(encodeMessage(m, CTX2), CTX2);
        expect(r).toEqual({ ok: true, value: m, errors: [] });
      }),
      { numRuns: 300 },
    );
  });

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: u8 }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  );

  function mutate(buf: Buffer, ms: Array<{ kind: 'flip' | 'insert' | 'delete'; at: number; bits?: number; value?: number }>, fixLength: boolean): Buffer {
    let b = Buffer.from(buf);
    for (const m of ms) {
      const at = m.at % (b.length + 1);
      if (m.kind === 'flip' && at < b.length) b[at] ^= m.bits ?? 1;
      else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from([m.value ?? 0]), b.subarray(at)]);
      else if (m.kind === 'delete' && at < b.length) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    }
    // Keep the header consistent half of the time so the body decoders are reached.
    if (fixLength && b.length >= 19 && b.length <= 4096) {
      b.fill(0xff, 0, 16);
      b.writeUInt16BE(b.length, 16);
    }
    return b;
  }

  it('mutated valid messages give a typed result, never an exception', () => {
    fc.assert(
      fc.property(message, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean(), (m, ms, fix, four) => {
        const ctx = four ? CTX4 : CTX2;
        const b = mutate(encodeMessage(m, ctx), ms, fix);
        const r = decodeMessage(b, ctx);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) {
          expect(r.error.notification.code).toBeGreaterThan(0);
          expect(typeof r.error.code).toBe('string');
        }
        const out = new BgpFramer().push(b);
        for (const f of out.frames) expect(typeof decodeMessage(f, ctx).ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary bodies under a valid header give a typed result', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), bytes(0, 300), fc.boolean(), (type, body, four) => {
        const b = Buffer.alloc(19 + body.length, 0xff);
        b.writeUInt16BE(b.length, 16);
        b[18] = type;
        body.copy(b, 19);
        expect(typeof decodeMessage(b, four ? CTX4 : CTX2).ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});
