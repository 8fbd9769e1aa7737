import { beforeEach, describe, expect, it } from 'vitest';
import { EvpnRib } from '../../../src/evpn/rib/rib.js';
import type { MacBest } from '../../../src/evpn/rib/rib.js';
import type { UpdateOpts } from './helpers.js';
import { Recorder, announce, imet, ip4, mac2 } from './helpers.js';

const MAC = 0x020000000001;
const LOCAL_AS = 65010;

type Side = UpdateOpts & { peerAs?: number; routerId?: string };

/** A fresh RIB where A (127.0.0.2) and B (127.0.0.3) send the same MAC, A first or B first; the peer of the last best. */
function bestAfter(a: Side, b: Side, aFirst: boolean): string | undefined {
  const rec = new Recorder();
  const rib = new EvpnRib({ routerId: ip4('192.0.2.10'), localAs: LOCAL_AS, listener: rec });
  rib.setEvi({ vni: 5000 }, 0);
  const peers = [
    { address: '127.0.0.2', id: '10.0.0.2', nextHop: '198.51.100.2', side: a },
    { address: '127.0.0.3', id: '10.0.0.3', nextHop: '198.51.100.3', side: b },
  ];
  for (const p of peers) rib.peerUp({ address: p.address, remoteAs: p.side.peerAs ?? LOCAL_AS, localAs: LOCAL_AS, routerId: ip4(p.side.routerId ?? p.id) }, 0);
  (aFirst ? peers : [...peers].reverse()).forEach((p, i) => {
    rib.receiveUpdate(p.address, announce([mac2(MAC, { rd: `${p.id}:2` })], { nextHop: p.nextHop, ...p.side }), [], i + 1);
  });
  return (rec.all.filter((d) => d.type === 2).at(-1)?.best as MacBest | undefined)?.peer;
}

/** Whose route is best when A and B send the same MAC; the order of arrival must not matter. */
function race(a: Side, b: Side): string | undefined {
  const winner = bestAfter(a, b, true);
  expect(bestAfter(a, b, false)).toBe(winner);
  return winner;
}

describe('type-2 best path, RFC 7432 §15 then RFC 4271 §9.1.2.2', () => {
  it('sticky beats non-sticky, even with a lower sequence number (§15.2)', () => {
    expect(race({ sticky: true, seq: 0 }, { seq: 9 })).toBe('127.0.0.2');
  });
  it('the higher sequence number wins (§15.1); no community counts as 0', () => {
    expect(race({ seq: 3 }, { seq: 4 })).toBe('127.0.0.3');
    expect(race({}, { seq: 1 })).toBe('127.0.0.3');
  });
  it('then higher LOCAL_PREF (absent = 100)', () => {
    expect(race({ localPref: 200 }, { localPref: 100 })).toBe('127.0.0.2');
    expect(race({}, { localPref: 101 })).toBe('127.0.0.3');
  });
  it('LOCAL_PREF from an external peer is ignored (RFC 4271 §5.1.5)', () => {
    // B's 500 does not count: both stand at 100, and A's shorter AS_PATH wins.
    const ext = { peerAs: 65020, asPath: [{ type: 2, asns: [65020] }] };
    expect(race({ ...ext }, { ...ext, localPref: 500, asPath: [{ type: 2, asns: [65020, 65021] }] })).toBe('127.0.0.2');
    // From an internal peer it counts, against an external route without it.
    expect(race({ ...ext }, { localPref: 101 })).toBe('127.0.0.3');
  });
  it('then shorter AS_PATH, an AS_SET counting 1', () => {
    expect(race({ asPath: [{ type: 2, asns: [1, 2] }] }, { asPath: [{ type: 2, asns: [1] }, { type: 1, asns: [7, 8, 9] }] })).toBe('127.0.0.2');
    expect(race({ asPath: [{ type: 2, asns: [1, 2, 3] }] }, { asPath: [{ type: 2, asns: [4] }] })).toBe('127.0.0.3');
  });
  it('then lower ORIGIN', () => {
    expect(race({ origin: 2 }, { origin: 0 })).toBe('127.0.0.3');
  });
  it('then lower MED, only between routes from the same neighbor AS', () => {
    expect(race({ med: 10, asPath: [{ type: 2, asns: [100] }] }, { med: 5, asPath: [{ type: 2, asns: [100] }] })).toBe('127.0.0.3');
    // Different neighbor AS: MED ignored, falls through to router id (A lower).
    expect(race({ med: 10, asPath: [{ type: 2, asns: [100] }] }, { med: 5, asPath: [{ type: 2, asns: [200] }] })).toBe('127.0.0.2');
  });
  it('then eBGP over iBGP', () => {
    expect(race({}, { peerAs: 65000 })).toBe('127.0.0.3');
  });
  it('then lower ORIGINATOR_ID or BGP Identifier (RFC 4456 §9)', () => {
    expect(race({ routerId: '10.0.0.9' }, { routerId: '10.0.0.8' })).toBe('127.0.0.3');
    expect(race({ originatorId: ip4('10.9.9.9') }, { originatorId: ip4('10.1.1.1') })).toBe('127.0.0.3');
  });
  it('then shorter CLUSTER_LIST', () => {
    expect(race({ originatorId: 5, clusterList: [1, 2] }, { originatorId: 5, clusterList: [1] })).toBe('127.0.0.3');
  });
  it('then lower peer address', () => {
    expect(race({ routerId: '10.0.0.1' }, { routerId: '10.0.0.1' })).toBe('127.0.0.2');
  });
});

describe('type-3 best path and flood deltas', () => {
  let rib: EvpnRib;
  let rec: Recorder;
  beforeEach(() => {
    rec = new Recorder();
    rib = new EvpnRib({ routerId: ip4('192.0.2.10'), localAs: LOCAL_AS, listener: rec });
    rib.setEvi({ vni: 5000 }, 0);
    rib.peerUp({ address: '127.0.0.2', remoteAs: LOCAL_AS, localAs: LOCAL_AS, routerId: ip4('10.0.0.2') }, 0);
  });
  it('one flood entry per (originator, EVI) with the PMSI endpoint and VNI', () => {
    rib.receiveUpdate('127.0.0.2', announce([imet('198.51.100.7')], { nextHop: '198.51.100.7', pmsiVni: 5001 }), [], 1);
    expect(rec.all).toEqual([
      {
        type: 3,
        op: 'added',
        vni: 5000,
        originator: '198.51.100.7',
        best: expect.objectContaining({ endpoint: { v: 4, addr: ip4('198.51.100.7') }, vni: 5001, tunnelType: 6, peer: '127.0.0.2' }),
      },
    ]);
  });
});
