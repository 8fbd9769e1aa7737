import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  TunnelType,
  buildEvpnCommunities,
  canonicalRouteTarget,
  encodeRouteTarget,
  formatExtCommunities,
  parseRouteTarget,
  readEvpnCommunities,
} from '../../../src/evpn/ext-communities.js';
import type { EvpnCommunities } from '../../../src/evpn/ext-communities.js';
import { extCommunityFixtures } from '../../fixtures/evpn/nlri-fixtures.js';

const empty: EvpnCommunities = { routeTargets: [], defaultGateway: false, unknownCount: 0 };

describe('extended community fixtures', () => {
  for (const f of extCommunityFixtures) {
    const buf = Buffer.from(f.hex, 'hex');
    it(`reads ${f.name}`, () => {
      expect(readEvpnCommunities(buf)).toEqual({ ...empty, ...f.read });
      expect(formatExtCommunities(buf)).toEqual([f.text]);
    });
    const { routeTargets, encapsulation, macMobility, defaultGateway, esiLabel, routerMac, unknownCount } = f.read;
    if (unknownCount) continue;
    it(`builds ${f.name}`, () => {
      const built = buildEvpnCommunities({ routeTargets: routeTargets ?? [], encapsulation, macMobility, defaultGateway, esiLabel, routerMac });
      expect(built.toString('hex')).toBe(f.hex);
    });
  }

  it('reads a mixed attribute and counts the unknown ones', () => {
    const buf = Buffer.from(extCommunityFixtures.map((f) => f.hex).join(''), 'hex');
    const r = readEvpnCommunities(buf);
    expect(r.routeTargets).toEqual(['65000:5000', '192.0.2.1:5', '4200000000:7', '65000L:7']);
    expect(r.encapsulation).toBe(TunnelType.VXLAN);
    // two MAC mobility communities: lowest sequence number, sticky if any
    expect(r.macMobility).toEqual({ seq: 3, sticky: true });
    expect(r.defaultGateway).toBe(true);
    expect(r.esiLabel).toEqual({ singleActive: true, label: 1000 });
    expect(r.routerMac).toBe(0xaabbccddeeff);
    expect(r.unknownCount).toBe(2);
  });

  it('VXLAN wins among several encapsulations', () => {
    const r = readEvpnCommunities(Buffer.from('030c00000000000a030c000000000008', 'hex'));
    expect(r.encapsulation).toBe(8);
  });

  it('undefined and empty are no communities', () => {
    expect(readEvpnCommunities(undefined)).toEqual(empty);
    expect(readEvpnCommunities(Buffer.alloc(0))).toEqual(empty);
  });

  it('the outgoing set for a type 2 route', () => {
    const b = buildEvpnCommunities({ routeTargets: ['65010:5000'], encapsulation: TunnelType.VXLAN, macMobility: { seq: 2, sticky: false } });
    expect(b.toString('hex')).toBe('0002fdf200001388' + '030c000000000008' + '0600000000000002');
  });

  it('never throws on any 8n octets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (a) => {
        const r = readEvpnCommunities(Buffer.from(a));
        expect(r.routeTargets.length + r.unknownCount).toBeLessThanOrEqual(Math.floor(a.length / 8));
        formatExtCommunities(Buffer.from(a));
      }),
    );
  });
});

describe('route targets', () => {
  it('parses, formats and encodes the three forms', () => {
    expect(canonicalRouteTarget('65000:5000')).toEqual({ ok: true, value: '65000:5000' });
    expect(canonicalRouteTarget(' 192.0.2.1:5 ')).toEqual({ ok: true, value: '192.0.2.1:5' });
    expect(canonicalRouteTarget('4200000000:7')).toEqual({ ok: true, value: '4200000000:7' });
    expect(canonicalRouteTarget('100l:7')).toEqual({ ok: true, value: '100L:7' });
    expect(canonicalRouteTarget('*:5000')).toEqual({ ok: true, value: '*:5000' });
    const e = encodeRouteTarget('4200000000:7');
    expect(e.ok && e.value.toString('hex')).toBe('0202fa56ea000007');
  });

  it('rejects what does not fit', () => {
    for (const bad of ['', '65000', ':5', '65000:', '192.0.2.1:70000', '4200000000:70000', '4294967296:1', '1.2.3:4', 'a:b', '*:x', '-1:5', '65000:4294967296']) {
      expect(parseRouteTarget(bad).ok, bad).toBe(false);
    }
    expect(encodeRouteTarget('*:5000').ok).toBe(false);
  });

  it('text → octets → text round trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.integer({ min: 0, max: 2 }), (v, type) => {
        const buf = Buffer.concat([Buffer.from([type, 2]), Buffer.from(v)]);
        const text = readEvpnCommunities(buf).routeTargets[0];
        const again = encodeRouteTarget(text);
        expect(again.ok && again.value.equals(buf)).toBe(true);
      }),
    );
  });
});
