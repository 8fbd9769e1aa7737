// RemoteState: RIB best paths and manual connections → reconciler inputs (DESIGN.md §2).
import { describe, expect, it } from 'vitest';
import { RemoteState } from '../../src/vtep/remote-state.js';
import type { ManagedLogicalSwitch } from '../../src/vtep/reconcile/types.js';
import { type2, type3 } from './switch-helpers.js';

const LSS: ManagedLogicalSwitch[] = [
  { uuid: 'b-ls', name: 'ls0', tunnelKey: 5000 },
  { uuid: 'a-ls', name: 'dup', tunnelKey: 5000 },
  { uuid: 'c-ls', name: 'ls1', tunnelKey: 5001 },
];

describe('RemoteState', () => {
  it('maps a VNI to the logical switch with that tunnel_key (lowest uuid on a tie) and keeps label1 and IPv4 ipaddr', () => {
    const s = new RemoteState();
    s.applyRibDeltas([
      type2(5000, '02:00:00:00:00:01', '192.0.2.20', { ip: '10.0.0.1', label: 6000 }),
      type2(5001, '02:00:00:00:00:02', '192.0.2.21', { ip: '2001:db8::2' }),
    ]);
    expect(s.inputs(LSS).macs).toEqual([
      { mac: '02:00:00:00:00:01', logicalSwitch: 'a-ls', dstIp: '192.0.2.20', tunnelKey: 6000, ipaddr: '10.0.0.1', source: 'bgp' },
      { mac: '02:00:00:00:00:02', logicalSwitch: 'c-ls', dstIp: '192.0.2.21', tunnelKey: 5001, source: 'bgp' },
    ]);
  });

  it('skips our own routes and removes a remote entry when ours becomes best', () => {
    const s = new RemoteState();
    s.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20')]);
    s.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.10', { op: 'changed', local: true })]);
    const own = type3(5000, '192.0.2.10');
    if (own.type === 3 && own.best) own.best.peer = 'local';
    s.applyRibDeltas([own]);
    expect(s.inputs(LSS)).toMatchObject({ macs: [], flood: new Map() });
    expect(s.counts()).toMatchObject({ bgpMacs: 0, bgpFloods: 0 });
  });

  it('keeps IPv6 next hops out of the inputs and reports them until the route changes or goes', () => {
    const s = new RemoteState();
    s.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '2001:db8::1'), type3(5001, '2001:db8::2'), type2(5000, '02:00:00:00:00:02', '192.0.2.20')]);
    expect(s.inputs(LSS).macs.map((m) => m.mac)).toEqual(['02:00:00:00:00:02']);
    expect(s.inputs(LSS).flood).toEqual(new Map());
    expect(s.inputsFor(LSS, new Map([['a-ls', new Set(['02:00:00:00:00:01'])]])).macs).toEqual([]);
    expect(s.notInstalled(LSS)).toEqual([
      { type: 2, vni: 5000, mac: '02:00:00:00:00:01', nextHop: '2001:db8::1', reason: 'ipv6-next-hop' },
      { type: 3, vni: 5001, originator: '2001:db8::2', nextHop: '2001:db8::2', reason: 'ipv6-next-hop' },
    ]);
    s.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '', { op: 'removed' }), type3(5001, '2001:db8::2', { op: 'changed', endpoint: '192.0.2.2' })]);
    expect(s.notInstalled(LSS)).toEqual([]);
    expect(s.inputs(LSS).flood.get('c-ls')).toEqual([{ dstIp: '192.0.2.2', tunnelKey: 5001 }]);
  });

  it('builds flood lists from type-3 endpoints and flood-enabled connections', () => {
    const s = new RemoteState();
    s.applyRibDeltas([type3(5000, '192.0.2.20', { endpoint: '192.0.2.120', label: 7000 })]);
    s.setManual({ connections: [
      { id: 'c1', logicalSwitchUuid: 'a-ls', dstIp: '198.51.100.1', flood: true, macs: [{ mac: '02:AA:00:00:00:01', ipaddr: '10.1.1.1' }] },
      { id: 'c2', logicalSwitchUuid: 'plain', dstIp: '198.51.100.2', tunnelKey: 42, flood: false, macs: [] },
    ] });
    const i = s.inputs(LSS);
    expect(i.flood.get('a-ls')).toEqual([{ dstIp: '192.0.2.120', tunnelKey: 7000 }, { dstIp: '198.51.100.1' }]);
    expect(i.macs).toEqual([{ mac: '02:aa:00:00:00:01', logicalSwitch: 'a-ls', dstIp: '198.51.100.1', ipaddr: '10.1.1.1', source: 'manual' }]);
    expect(s.manualSwitches()).toEqual(new Set(['a-ls', 'plain']));
  });

  it('inputsFor gives just the named MACs, as inputs() has them (BGP and manual), and no flood list', () => {
    const s = new RemoteState();
    s.applyRibDeltas([
      type2(5000, '02:00:00:00:00:01', '192.0.2.20'),
      type2(5000, '02:00:00:00:00:02', '192.0.2.20'),
      type2(5001, '02:00:00:00:00:03', '192.0.2.21', { ip: '10.0.0.3' }),
      type3(5000, '192.0.2.20'),
    ]);
    s.setManual({ connections: [{ id: 'c1', logicalSwitchUuid: 'a-ls', dstIp: '198.51.100.1', flood: true, macs: [{ mac: '02:00:00:00:00:01' }, { mac: '02:00:00:00:00:0A' }] }] });
    // 'b-ls' shares VNI 5000 with 'a-ls' and loses the tie: none of its MACs come from BGP.
    const which = new Map([['a-ls', new Set(['02:00:00:00:00:01', '02:00:00:00:00:0a'])], ['b-ls', new Set(['02:00:00:00:00:02'])], ['c-ls', new Set(['02:00:00:00:00:03'])]]);
    const some = s.inputsFor(LSS, which);
    expect(some.flood).toEqual(new Map());
    expect(some.macs).toEqual(s.inputs(LSS).macs.filter((m) => which.get(m.logicalSwitch)?.has(m.mac)));
    expect(some.macs.map((m) => `${m.logicalSwitch} ${m.mac} ${m.source}`).sort()).toEqual([
      'a-ls 02:00:00:00:00:01 bgp', 'a-ls 02:00:00:00:00:01 manual', 'a-ls 02:00:00:00:00:0a manual', 'c-ls 02:00:00:00:00:03 bgp',
    ]);
  });

  it('setManual says what changed: nothing, the MACs of unchanged connections, or everything', () => {
    const s = new RemoteState();
    const c1 = { id: 'c1', logicalSwitchUuid: 'a-ls', dstIp: '198.51.100.1', flood: false, macs: [{ mac: '02:00:00:00:00:01' }, { mac: '02:00:00:00:00:02', ipaddr: '10.0.0.2' }] };
    expect(s.setManual({ connections: [c1] })).toBe('all');
    expect(s.setManual({ connections: [{ ...c1, macs: [...c1.macs] }] })).toBe('none');
    // One MAC added (upper case in, lower case out), one gone, one with a new ipaddr.
    expect(s.setManual({ connections: [{ ...c1, macs: [{ mac: '02:00:00:00:00:0A' }, { mac: '02:00:00:00:00:02', ipaddr: '10.0.0.22' }] }] }))
      .toEqual(new Map([['a-ls', new Set(['02:00:00:00:00:0a', '02:00:00:00:00:02', '02:00:00:00:00:01'])]]));
    expect(s.setManual({ connections: [{ ...c1, flood: true }] })).toBe('all');
    expect(s.setManual({ connections: [{ ...c1, flood: true, tunnelKey: 7 }] })).toBe('all');
    expect(s.setManual({ connections: [{ ...c1, id: 'c2', flood: true, tunnelKey: 7 }] })).toBe('all');
    expect(s.setManual({ connections: [] })).toBe('all');
  });

  it('reports a MAC route a manual connection\'s MAC replaces as not on the switch, until the manual MAC goes', () => {
    const s = new RemoteState();
    s.applyRibDeltas([type2(5000, '02:00:00:00:00:01', '192.0.2.20'), type2(5000, '02:00:00:00:00:02', '192.0.2.20'), type2(5001, '02:00:00:00:00:01', '192.0.2.21')]);
    const c1 = { id: 'c1', logicalSwitchUuid: 'a-ls', dstIp: '198.51.100.1', flood: false, macs: [{ mac: '02:00:00:00:00:01' }] };
    s.setManual({ connections: [c1] });
    // Only the route of the logical switch the manual MAC is on (a-ls: VNI 5000) is replaced.
    expect(s.notInstalled(LSS)).toEqual([{ type: 2, vni: 5000, mac: '02:00:00:00:00:01', nextHop: '192.0.2.20', reason: 'not-on-switch' }]);
    expect(s.inputs(LSS).macs.filter((m) => m.logicalSwitch === 'a-ls' && m.mac === '02:00:00:00:00:01').map((m) => m.source)).toEqual(['bgp', 'manual']);
    s.setManual({ connections: [{ ...c1, macs: [] }] });
    expect(s.notInstalled(LSS)).toEqual([]);
  });

  it('reports routes of a VNI no logical switch has, and stops once one has it', () => {
    const s = new RemoteState();
    s.applyRibDeltas([type2(9999, '02:00:00:00:00:01', '192.0.2.20'), type3(9999, '192.0.2.21')]);
    expect(s.notInstalled(LSS)).toEqual([
      { type: 2, vni: 9999, mac: '02:00:00:00:00:01', nextHop: '192.0.2.20', reason: 'no-logical-switch' },
      { type: 3, vni: 9999, originator: '192.0.2.21', nextHop: '192.0.2.21', reason: 'no-logical-switch' },
    ]);
    expect(s.inputs(LSS)).toMatchObject({ macs: [], flood: new Map() });
    expect(s.notInstalled([...LSS, { uuid: 'd-ls', name: 'ls9', tunnelKey: 9999 }])).toEqual([]);
  });
});
