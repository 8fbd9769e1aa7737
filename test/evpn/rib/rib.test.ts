import { beforeEach, describe, expect, it } from 'vitest';
import type { WireError } from '../../../src/bgp/wire/types.js';
import { decodeEvpnNlri } from '../../../src/evpn/nlri.js';
import { TunnelType, readEvpnCommunities } from '../../../src/evpn/ext-communities.js';
import { readPmsiTunnel } from '../../../src/evpn/pmsi.js';
import { EvpnRib } from '../../../src/evpn/rib/rib.js';
import type { MacBest } from '../../../src/evpn/rib/rib.js';
import { routeRow } from '../../../src/evpn/rib/view.js';
import { EOR, Recorder, announce, imet, ip4, mac2, withdraw } from './helpers.js';

const AS = 65010;
const RID = ip4('192.0.2.10');
const P1 = '127.0.0.2';
const P2 = '127.0.0.3';
const MAC = 0x020000000001;
const TAW: WireError = {
  code: 'BGP_ERR_ATTR_LENGTH',
  message: 'bad attribute',
  action: 'treat-as-withdraw',
  notification: { code: 3, subcode: 5, data: Buffer.alloc(0) },
};

let rib: EvpnRib;
let rec: Recorder;

function setup(opts: { gr?: number; maxPrefixes?: number } = {}): void {
  rec = new Recorder();
  rib = new EvpnRib({ routerId: RID, localAs: AS, listener: rec });
  rib.setEvi({ vni: 5000 }, 0);
  for (const [address, id] of [
    [P1, '10.0.0.2'],
    [P2, '10.0.0.3'],
  ]) {
    rib.peerUp(
      {
        address,
        remoteAs: AS,
        localAs: AS,
        routerId: ip4(id),
        ...(opts.gr !== undefined ? { gracefulRestartTime: opts.gr } : {}),
        ...(opts.maxPrefixes !== undefined ? { maxPrefixes: opts.maxPrefixes } : {}),
      },
      0,
    );
  }
  rec.take();
}

const best = (v = 5000) => rib.locRib(v).filter((r) => r.best);

describe('import by route target', () => {
  beforeEach(() => setup());

  it('imports into matching EVIs only, and deltas carry the VTEP fields', () => {
    rib.setEvi({ vni: 6000, importRts: ['65000:6000'] }, 0);
    rib.receiveUpdate(P1, announce([mac2(MAC, { ip: '203.0.113.5' })], { rts: ['65001:5000'], nextHop: '198.51.100.9' }), [], 1);
    const d = rec.take();
    expect(d).toEqual([
      {
        type: 2,
        op: 'added',
        vni: 5000,
        mac: MAC,
        best: expect.objectContaining({ ip: { v: 4, addr: ip4('203.0.113.5') }, nextHop: { v: 4, addr: ip4('198.51.100.9') }, vni: 5000, local: false, peer: P1 }),
      },
    ]);
    expect(rib.locRib(6000)).toEqual([]);
  });

  it('an EVI added later imports what the Adj-RIB-In already holds; removing it removes its bests', () => {
    rib.receiveUpdate(P1, announce([mac2(MAC)], { rts: ['65000:7000'] }), [], 1);
    expect(rec.take()).toEqual([]);
    rib.setEvi({ vni: 7000 }, 2);
    expect(rec.take()).toMatchObject([{ type: 2, op: 'added', vni: 7000, mac: MAC }]);
    rib.deleteEvi(7000, 3);
    expect(rec.take()).toEqual([{ type: 2, op: 'removed', vni: 7000, mac: MAC }]);
  });

  it('without the encapsulation community a route is taken as VXLAN and counted; another encapsulation is not imported', () => {
    rib.receiveUpdate(P1, announce([mac2(MAC)], { encap: false }), [], 1);
    expect(best()).toHaveLength(1);
    expect(rib.stats.noEncapsulation).toBe(1);
    rib.receiveUpdate(P1, announce([mac2(MAC + 1)], { encap: TunnelType.MPLS }), [], 2);
    expect(best()).toHaveLength(1);
    expect(rib.adjRibIn(P1)).toHaveLength(2);
    expect(rib.stats.foreignEncapsulation).toBe(1);
  });

  it('withdrawal removes the best and emits removed; a second one is a no-op', () => {
    rib.receiveUpdate(P1, announce([mac2(MAC)]), [], 1);
    rec.take();
    expect(rib.receiveUpdate(P1, withdraw([mac2(MAC)]), [], 2)).toMatchObject({ ok: true, withdrawn: 1 });
    expect(rec.take()).toEqual([{ type: 2, op: 'removed', vni: 5000, mac: MAC }]);
    expect(rib.receiveUpdate(P1, withdraw([mac2(MAC)]), [], 3)).toMatchObject({ ok: true, withdrawn: 0 });
    expect(rib.prefixCount(P1)).toBe(0);
  });

  it('MAC+IPv6 routes and an IPv6 next hop are kept and reported; MAC+IPv4 is preferred for the VTEP row', () => {
    const u = announce([{ ...mac2(MAC), ip: { v: 6, addr: '2001:db8::5' } }]);
    u.attributes.mpReach!.nextHop = Buffer.from('20010db8000000000000000000000001', 'hex');
    rib.receiveUpdate(P1, u, [], 1);
    expect(rec.take()).toMatchObject([{ type: 2, op: 'added', best: { ip: { v: 6, addr: '2001:db8::5' }, nextHop: { v: 6, addr: '2001:db8::1' } } }]);
    rib.receiveUpdate(P1, announce([mac2(MAC, { ip: '203.0.113.5' })]), [], 2);
    expect(rec.take()).toMatchObject([{ type: 2, op: 'changed', best: { ip: { v: 4 } } }]);
    rib.receiveUpdate(P1, withdraw([{ ...mac2(MAC), ip: { v: 6, addr: '2001:db8::5' } }]), [], 3);
    expect(rib.adjRibIn(P1)).toHaveLength(1);
  });

  it('type 1, 4 and 5 routes are kept in the Adj-RIB-In only', () => {
    rib.receiveUpdate(
      P1,
      announce([
        { type: 1, rd: '10.0.0.2:2', esi: '00112233445566778899', ethTag: 0, label: 5000 },
        { type: 4, rd: '10.0.0.2:2', esi: '00112233445566778899', originator: { v: 4, addr: ip4('198.51.100.1') } },
        { type: 5, rd: '10.0.0.2:2', esi: '00000000000000000000', ethTag: 0, prefix: { v: 4, addr: ip4('10.1.0.0') }, prefixLen: 16, gateway: { v: 4, addr: 0 }, label: 9 },
      ]),
      [],
      1,
    );
    expect(rib.adjRibIn(P1).map((v) => v.route.type).sort()).toEqual([1, 4, 5]);
    expect(rib.locRib()).toEqual([]);
    expect(rec.take()).toEqual([]);
  });
});

describe('errors', () => {
  beforeEach(() => setup({ maxPrefixes: 2 }));

  it('treat-as-withdraw: visible in the Adj-RIB-In as ineligible, never best, and it replaces an eligible copy', () => {
    rib.receiveUpdate(P1, announce([mac2(MAC)]), [], 1);
    rec.take();
    rib.receiveUpdate(P1, announce([mac2(MAC)], { localPref: 300 }), [TAW], 2);
    expect(rec.all).toEqual([{ type: 2, op: 'removed', vni: 5000, mac: MAC }]);
    expect(rec.events).toContainEqual({ kind: 'treat-as-withdraw', peer: P1, routes: 1, codes: ['BGP_ERR_ATTR_LENGTH'] });
    const rows = rib.adjRibIn(P1).map((v) => routeRow(v, 10));
    expect(rows).toEqual([expect.objectContaining({ ineligible: true, best: false, localPref: 300, peer: P1, age: 8 })]);
    expect(rib.locRib()).toEqual([]);
  });

  it('broken NLRI framing comes back for a session reset (RFC 7606 §5.3); one bad route alone is dropped', () => {
    const u = announce([mac2(MAC)]);
    u.attributes.mpReach!.nlri = Buffer.from([2, 40, 0]);
    const r = rib.receiveUpdate(P1, u, [], 1);
    expect(r).toMatchObject({ ok: false, error: { action: 'session-reset', notification: { code: 3, subcode: 9 } } });
    const good = announce([mac2(MAC)]);
    const bad = Buffer.from(good.attributes.mpReach!.nlri);
    bad[2 + 22] = 47; // MAC length not 48
    good.attributes.mpReach!.nlri = Buffer.concat([bad, announce([mac2(MAC + 1)]).attributes.mpReach!.nlri]);
    expect(rib.receiveUpdate(P1, good, [], 2)).toMatchObject({ ok: true, announced: 1, discarded: 1 });
    expect(rec.events).toContainEqual(expect.objectContaining({ kind: 'route-discarded', code: 'EVPN_ERR_MAC_LENGTH' }));
  });

  it('routes carrying our ORIGINATOR_ID are ignored and remove an earlier copy (RFC 4456 §8)', () => {
    rib.receiveUpdate(P1, announce([mac2(MAC)]), [], 1);
    rec.take();
    rib.receiveUpdate(P1, announce([mac2(MAC)], { originatorId: RID }), [], 2);
    expect(rec.all).toEqual([{ type: 2, op: 'removed', vni: 5000, mac: MAC }]);
    expect(rec.events).toContainEqual({ kind: 'loop-dropped', peer: P1, reason: 'originator-id', routes: 1 });
    expect(rib.adjRibIn(P1)).toEqual([]);
    expect(rib.stats.loopDropped).toBe(1);
  });

  it('max_prefixes: exceeding the limit is reported', () => {
    const r = rib.receiveUpdate(P1, announce([mac2(1), mac2(2), mac2(3)]), [], 1);
    expect(r).toMatchObject({ ok: true, maxPrefixesExceeded: true });
    expect(rib.prefixCount(P1)).toBe(3);
    expect(rec.events).toContainEqual({ kind: 'max-prefixes', peer: P1, count: 3, limit: 2 });
  });
});

describe('graceful restart (RFC 4724 §4.2)', () => {
  beforeEach(() => setup({ gr: 120 }));

  it('a graceful down keeps the routes stale; End-of-RIB removes only those still stale', () => {
    rib.receiveUpdate(P1, announce([mac2(1), mac2(2)]), [], 1);
    rec.take();
    rib.peerDown(P1, true, 10);
    expect(rec.take()).toEqual([]);
    expect(best().map((r) => routeRow(r, 10).stale)).toEqual([true, true]);
    expect(rib.nextDeadline()).toBe(130);
    rib.peerUp({ address: P1, remoteAs: AS, localAs: AS, routerId: ip4('10.0.0.2'), gracefulRestartTime: 120 }, 20);
    rib.receiveUpdate(P1, announce([mac2(1)]), [], 21);
    expect(rec.take()).toEqual([]); // same route again: no flap
    expect(rib.receiveUpdate(P1, EOR, [], 22)).toMatchObject({ ok: true, endOfRib: true });
    expect(rec.take()).toEqual([{ type: 2, op: 'removed', vni: 5000, mac: 2 }]);
    expect(best().map((r) => routeRow(r, 22).stale)).toEqual([false]);
    expect(rib.nextDeadline()).toBeUndefined();
  });

  it('an empty MP_UNREACH_NLRI beside other attributes is not End-of-RIB (RFC 4724 §2: the only attribute)', () => {
    rib.receiveUpdate(P1, announce([mac2(1)]), [], 1);
    rib.peerDown(P1, true, 10);
    rib.peerUp({ address: P1, remoteAs: AS, localAs: AS, routerId: ip4('10.0.0.2'), gracefulRestartTime: 120 }, 20);
    rec.take();
    const notEor = { ...EOR, attributes: { ...EOR.attributes, origin: 0 } };
    expect(rib.receiveUpdate(P1, notEor, [], 21)).toMatchObject({ ok: true, endOfRib: false });
    expect(rec.take()).toEqual([]);
    expect(rib.receiveUpdate(P1, EOR, [], 22)).toMatchObject({ ok: true, endOfRib: true });
    expect(rec.take()).toEqual([{ type: 2, op: 'removed', vni: 5000, mac: 1 }]);
  });

  it('the restart time running out removes the stale routes', () => {
    rib.receiveUpdate(P1, announce([mac2(1)]), [], 1);
    rib.peerDown(P1, true, 10);
    rec.take();
    rib.tick(129);
    expect(rec.take()).toEqual([]);
    rib.tick(130);
    expect(rec.all).toEqual([{ type: 2, op: 'removed', vni: 5000, mac: 1 }]);
    expect(rec.events).toContainEqual({ kind: 'stale-removed', peer: P1, routes: 1, reason: 'restart-time' });
  });

  it('a non-graceful down removes the routes at once', () => {
    rib.receiveUpdate(P1, announce([mac2(1)]), [], 1);
    rec.take();
    rib.peerDown(P1, false, 10);
    expect(rec.all).toEqual([{ type: 2, op: 'removed', vni: 5000, mac: 1 }]);
  });
});

describe('MAC mobility (RFC 7432 §15)', () => {
  beforeEach(() => {
    setup();
    rib.setLocalVtep({ v: 4, addr: ip4('192.0.2.100') }, 0);
  });
  const local = { mac: MAC, vni: 5000, nextHop: { v: 4 as const, addr: ip4('192.0.2.100') } };

  it('a local MAC held from a remote route is originated with its sequence number + 1 and wins', () => {
    rib.receiveUpdate(P1, announce([mac2(MAC)], { seq: 4 }), [], 1);
    rec.take();
    rib.addLocalMac(local, 2);
    const d = rec.take();
    expect(d).toMatchObject([{ type: 2, op: 'changed', best: { local: true, seq: 5 } }]);
    const out = rib.adjRibOut().filter((v) => v.route.type === 2);
    expect(out.map((v) => v.attrs.communities.macMobility)).toEqual([{ seq: 5, sticky: false }]);
  });

  it('a peer advertising a higher sequence number takes the MAC and our route is withdrawn (§15.1)', () => {
    rib.addLocalMac(local, 1);
    rib.initialTable(P1);
    rib.flushOutgoing();
    rec.take();
    rib.receiveUpdate(P1, announce([mac2(MAC)], { seq: 1 }), [], 2);
    expect(rec.all).toMatchObject([{ type: 2, op: 'changed', best: { local: false, seq: 1, peer: P1 } }]);
    expect(rec.events).toContainEqual(expect.objectContaining({ kind: 'local-mac-withdrawn', mac: MAC, seq: 1 }));
    const w = rib.flushOutgoing();
    expect(w).toHaveLength(1);
    const unreach = w[0].updates[0].attributes.mpUnreach!;
    expect(decodeEvpnNlri(unreach.nlri)).toMatchObject({ routes: [{ type: 2, mac: MAC }] });
    // Seen locally again: seq 2.
    rib.addLocalMac(local, 3);
    expect((rec.all.at(-1) as { best: MacBest }).best).toMatchObject({ local: true, seq: 2 });
  });

  it('the fifth move within 180 s marks the MAC duplicate and freeze it, counted and logged (fake clock)', () => {
    let seq = 0;
    let t = 10;
    // remote seq 0, then local (1), remote (2), local (3), remote (4): four moves
    rib.receiveUpdate(P1, announce([mac2(MAC)], { seq: seq }), [], t);
    for (let i = 0; i < 2; i++) {
      rib.addLocalMac(local, (t += 10));
      seq += 2;
      rib.receiveUpdate(P1, announce([mac2(MAC)], { seq }), [], (t += 10));
    }
    expect(rib.stats.macMoves).toBe(4);
    expect(rib.stats.duplicateMacs).toBe(0);
    rec.take();
    rib.addLocalMac(local, (t += 10)); // fifth move within 180 s
    expect(rib.stats.duplicateMacs).toBe(1);
    expect(rec.events).toContainEqual({ kind: 'duplicate-mac', vni: 5000, mac: MAC, moves: 5, window: 180 });
    expect(rib.duplicates()).toEqual([{ vni: 5000, mac: MAC, moves: 5, since: 10 + 10 }]);
    expect(best()[0].attrs.peer?.info.address).toBe(P1); // frozen on the remote route
    rec.take();
    rib.receiveUpdate(P1, announce([mac2(MAC)], { seq: seq + 10 }), [], (t += 10));
    rib.addLocalMac(local, (t += 10));
    // Frozen: the MAC stays at the remote VTEP (its route refreshed), our origination is held back.
    expect(rec.all).not.toEqual([]);
    expect(rec.all.every((d) => d.type === 2 && d.best?.peer === P1)).toBe(true);
    expect(rib.adjRibOut().filter((v) => v.route.type === 2)).toEqual([]);
    rec.take();
    rib.clearDuplicate(5000, MAC, (t += 10));
    expect(rec.all).toMatchObject([{ type: 2, op: 'changed', best: { local: true, seq: seq + 11 } }]);
  });

  it('moves spread over more than the window never make a duplicate', () => {
    let seq = 0;
    let t = 0;
    rib.receiveUpdate(P1, announce([mac2(MAC)], { seq }), [], t);
    for (let i = 0; i < 6; i++) {
      rib.addLocalMac(local, (t += 100));
      seq += 2;
      rib.receiveUpdate(P1, announce([mac2(MAC)], { seq }), [], (t += 100));
    }
    expect(rib.stats.macMoves).toBe(12);
    expect(rib.stats.duplicateMacs).toBe(0);
  });
});

describe('origination (Adj-RIB-Out)', () => {
  beforeEach(() => {
    setup();
    rib.setEvi({ vni: 6000, exportRts: ['65000:6000', '65000:6001'] }, 0);
    rib.setLocalVtep({ v: 4, addr: ip4('192.0.2.100') }, 0);
  });

  it('initial table: one type 3 per EVI with PMSI and VXLAN, MAC-only and MAC+IP type 2, then End-of-RIB', () => {
    rib.addLocalMac({ mac: MAC, vni: 5000, ip: { v: 4, addr: ip4('203.0.113.1') }, nextHop: { v: 4, addr: ip4('192.0.2.100') } }, 1);
    const ups = rib.initialTable(P1);
    const eor = ups.pop()!;
    expect(eor.attributes).toEqual({ mpUnreach: { afi: 25, safi: 70, nlri: Buffer.alloc(0) } });
    const seen: Array<{ type: number; rts: string[]; pmsi?: unknown }> = [];
    for (const u of ups) {
      const a = u.attributes;
      expect(a).toMatchObject({ origin: 0, asPath: [], localPref: 100 });
      expect(a.mpReach).toMatchObject({ afi: 25, safi: 70, nextHop: Buffer.from([192, 0, 2, 100]) });
      const c = readEvpnCommunities(a.extCommunities);
      expect(c.encapsulation).toBe(8);
      const d = decodeEvpnNlri(a.mpReach!.nlri);
      if ('fatal' in d) throw new Error('fatal');
      for (const r of d.routes) seen.push({ type: r.type, rts: c.routeTargets, ...(a.pmsiTunnel ? { pmsi: readPmsiTunnel(a.pmsiTunnel) } : {}) });
      if (d.routes[0].type === 2) {
        expect(d.routes.map((r) => r.type === 2 && r.ip !== undefined)).toEqual([false, true]);
        expect(d.routes.every((r) => r.rd === '192.0.2.10:2' && r.type === 2 && r.label1 === 5000)).toBe(true);
      }
    }
    expect(seen).toEqual(
      expect.arrayContaining([
        { type: 3, rts: ['65010:5000'], pmsi: { kind: 'ingress-replication', vni: 5000, endpoint: { v: 4, addr: ip4('192.0.2.100') }, leafInfoRequired: false } },
        { type: 3, rts: ['65000:6000', '65000:6001'], pmsi: expect.objectContaining({ vni: 6000 }) },
        { type: 2, rts: ['65010:5000'] },
        { type: 2, rts: ['65010:5000'] },
      ]),
    );
    expect(seen).toHaveLength(4);
    // The MAC type 2 routes share one attribute set: one UPDATE.
    expect(ups.filter((u) => u.attributes.pmsiTunnel === undefined)).toHaveLength(1);
  });

  it('toward eBGP peers AS_PATH holds our AS and there is no LOCAL_PREF', () => {
    rib.peerUp({ address: '127.0.0.9', remoteAs: 65000, localAs: AS, routerId: ip4('10.0.0.9') }, 1);
    const ups = rib.initialTable('127.0.0.9');
    expect(ups[0].attributes.asPath).toEqual([{ type: 2, asns: [AS] }]);
    expect(ups[0].attributes.localPref).toBeUndefined();
  });

  it('many routes sharing attributes fill UPDATEs up to 4096 octets; changes reach synced peers only; refresh re-sends all', () => {
    rib.initialTable(P1);
    rib.flushOutgoing();
    for (let i = 0; i < 300; i++) rib.addLocalMac({ mac: 0x0a0000000000 + i, vni: 5000, nextHop: { v: 4, addr: ip4('192.0.2.100') } }, 1);
    const flushed = rib.flushOutgoing();
    expect(flushed.map((f) => f.peer)).toEqual([P1]);
    const ups = flushed[0].updates;
    let routes = 0;
    for (const u of ups) {
      const a = u.attributes;
      const size = 23 + 4 + 3 + 7 + 3 + a.extCommunities!.length + 4 + 5 + 4 + a.mpReach!.nlri.length;
      expect(size).toBeLessThanOrEqual(4096);
      const d = decodeEvpnNlri(a.mpReach!.nlri);
      if (!('fatal' in d)) routes += d.routes.length;
    }
    expect(routes).toBe(300);
    expect(ups.length).toBe(Math.ceil((300 * 35) / (4096 - 90)));
    expect(rib.flushOutgoing()).toEqual([]);
    const refreshed = rib.routeRefresh(P1);
    expect(refreshed.length).toBe(ups.length + 2);
    rib.removeLocalMac(5000, 0x0a0000000000, 2);
    const w = rib.flushOutgoing()[0].updates;
    expect(w).toHaveLength(1);
    expect(decodeEvpnNlri(w[0].attributes.mpUnreach!.nlri)).toMatchObject({ routes: [{ mac: 0x0a0000000000 }] });
  });

  it('the VTEP address changing re-originates type 3 with a withdrawal of the old one', () => {
    rib.initialTable(P1);
    rib.setLocalVtep({ v: 4, addr: ip4('192.0.2.101') }, 1);
    const ups = rib.flushOutgoing()[0].updates;
    const w = ups.filter((u) => u.attributes.mpUnreach);
    const a = ups.filter((u) => u.attributes.mpReach);
    expect(w.length).toBe(1);
    expect(decodeEvpnNlri(w[0].attributes.mpUnreach!.nlri)).toMatchObject({ routes: [{ originator: { addr: ip4('192.0.2.100') } }, { originator: { addr: ip4('192.0.2.100') } }] });
    expect(a.length).toBe(2);
  });

  it('nothing learned from one peer is advertised to another (edge PE)', () => {
    rib.initialTable(P2);
    rib.flushOutgoing();
    rib.receiveUpdate(P1, announce([mac2(MAC), imet('198.51.100.1')], { pmsiVni: 5000 }), [], 1);
    expect(rib.flushOutgoing()).toEqual([]);
    expect(rib.adjRibOut().every((v) => v.attrs.peer === undefined)).toBe(true);
  });
});

describe('views', () => {
  it('rows with the FRR show fields', () => {
    setup();
    rib.receiveUpdate(P1, announce([mac2(MAC, { ip: '203.0.113.5' })], { seq: 3, localPref: 150, asPath: [{ type: 2, asns: [65001, 65002] }] }), [], 5);
    const [row] = rib.locRib(5000).map((v) => routeRow(v, 7));
    expect(row).toEqual({
      prefix: '[2]:[0]:[48]:[02:00:00:00:00:01]:[32]:[203.0.113.5]',
      routeType: 2,
      rd: '192.0.2.1:2',
      ethTag: 0,
      esi: '00:00:00:00:00:00:00:00:00:00',
      mac: '02:00:00:00:00:01',
      ip: '203.0.113.5',
      vni: 5000,
      nextHop: '198.51.100.1',
      routeTargets: ['65000:5000'],
      extCommunities: ['RT:65000:5000', 'ET:8', 'MM:3'],
      encapsulation: 'VXLAN',
      macMobility: { seq: 3, sticky: false },
      best: true,
      stale: false,
      ineligible: false,
      peer: P1,
      asPath: '65001 65002',
      localPref: 150,
      origin: 'IGP',
      label: 5000,
      age: 2,
    });
    expect(rib.peerSummaries()).toContainEqual({ address: P1, up: true, prefixes: 1, stale: 0 });
  });

  it('type 3 rows carry the originator and the ingress replication endpoint', () => {
    setup();
    rib.receiveUpdate(P1, announce([imet('198.51.100.7')], { nextHop: '198.51.100.9', pmsiVni: 5000 }), [], 5);
    const [row] = rib.locRib(5000).map((v) => routeRow(v, 5));
    expect(row).toMatchObject({ routeType: 3, ethTag: 0, originator: '198.51.100.7', tunnelEndpoint: '198.51.100.9', label: 5000, nextHop: '198.51.100.9' });
    expect(row).not.toHaveProperty('mac');
    expect(row).not.toHaveProperty('esi');
  });
});
