import { describe, expect, it } from 'vitest';
import { BatchPlanner, desired, diff, locatorIndex } from '../../../src/vtep/reconcile/reconcile.js';
import type { FloodInput, ObservedState, RemoteMacInput } from '../../../src/vtep/reconcile/reconcile.js';

const LS = 'ls-uuid-1';
const managed = new Set([LS]);
const mac = (m: string, dstIp: string, extra: Partial<RemoteMacInput> = {}): RemoteMacInput => ({ mac: m, logicalSwitch: LS, dstIp, source: 'bgp', ...extra });

function observed(parts: Partial<{ ucast: Array<[string, string, string, string]>; locators: Array<[string, string, number | null]>; mcast: Array<[string, string]>; sets: Array<[string, string[]]> }>): ObservedState {
  return {
    ucast: new Map((parts.ucast ?? []).map(([uuid, MAC, locator, ipaddr]) => [uuid, { MAC, logical_switch: LS, locator, ipaddr }])),
    locators: new Map((parts.locators ?? []).map(([uuid, dst_ip, tunnel_key]) => [uuid, { encapsulation_type: 'vxlan_over_ipv4' as const, dst_ip, tunnel_key }])),
    mcast: new Map((parts.mcast ?? []).map(([uuid, set]) => [uuid, { MAC: 'unknown-dst', logical_switch: LS, locator_set: set, ipaddr: '' }])),
    locatorSets: new Map((parts.sets ?? []).map(([uuid, locators]) => [uuid, { locators }])),
  };
}
const EMPTY = observed({});

describe('reconciler diff', () => {
  it('empty database: inserts every MAC and the flood set', () => {
    const want = desired(managed, [mac('02:00:00:00:00:01', '192.0.2.2'), mac('02:00:00:00:00:02', '192.0.2.2', { ipaddr: '10.0.0.2' })], [{ logicalSwitch: LS, dstIp: '192.0.2.2' }]);
    const changes = diff(want, EMPTY, { allowDeletes: false });
    expect(changes.map((c) => c.kind).sort()).toEqual(['flood-set', 'ucast-insert', 'ucast-insert']);
  });

  it('database already right: no change', () => {
    const want = desired(managed, [mac('02:00:00:00:00:01', '192.0.2.2')], [{ logicalSwitch: LS, dstIp: '192.0.2.2' }]);
    const obs = observed({ ucast: [['u1', '02:00:00:00:00:01', 'l1', '']], locators: [['l1', '192.0.2.2', null]], mcast: [['m1', 's1']], sets: [['s1', ['l1']]] });
    expect(diff(want, obs, { allowDeletes: true })).toEqual([]);
  });

  it('a MAC that moves to another VTEP is updated in place', () => {
    const want = desired(managed, [mac('02:00:00:00:00:01', '192.0.2.3')], []);
    const obs = observed({ ucast: [['u1', '02:00:00:00:00:01', 'l1', '']], locators: [['l1', '192.0.2.2', null]] });
    expect(diff(want, obs, { allowDeletes: false })).toEqual([{ kind: 'ucast-update', uuid: 'u1', ipaddr: '', locator: { dstIp: '192.0.2.3' } }]);
  });

  it('tunnel_key is part of the locator key: a different VNI is a different locator', () => {
    const want = desired(managed, [mac('02:00:00:00:00:01', '192.0.2.2', { tunnelKey: 5001 })], []);
    const obs = observed({ ucast: [['u1', '02:00:00:00:00:01', 'l1', '']], locators: [['l1', '192.0.2.2', null], ['l2', '192.0.2.2', 5001]] });
    const changes = diff(want, obs, { allowDeletes: false });
    expect(changes).toEqual([{ kind: 'ucast-update', uuid: 'u1', ipaddr: '', locator: { dstIp: '192.0.2.2', tunnelKey: 5001 } }]);
    const batch = new BatchPlanner(changes, locatorIndex(obs), 100).next();
    // the existing locator is reused, never inserted again
    expect(JSON.stringify(batch?.ops)).toContain('"l2"');
    expect(batch?.locatorInserts.size).toBe(0);
  });

  it('a manual MAC overrides the BGP one, and BGP returns when it goes', () => {
    const bgp = mac('02:00:00:00:00:01', '192.0.2.2');
    const manual = mac('02:00:00:00:00:01', '198.51.100.7', { source: 'manual' });
    expect([...desired(managed, [manual, bgp], []).macs.values()][0].locator.dstIp).toBe('198.51.100.7');
    expect([...desired(managed, [bgp, manual], []).macs.values()][0].locator.dstIp).toBe('198.51.100.7');
    expect([...desired(managed, [bgp], []).macs.values()][0].locator.dstIp).toBe('192.0.2.2');
  });

  it('deletes only when allowed; duplicate rows for one key are removed', () => {
    const want = desired(managed, [mac('02:00:00:00:00:01', '192.0.2.2')], []);
    const obs = observed({ ucast: [['u1', '02:00:00:00:00:01', 'l1', ''], ['u2', '02:00:00:00:00:01', 'l1', ''], ['u3', '02:00:00:00:00:09', 'l1', '']], locators: [['l1', '192.0.2.2', null]] });
    expect(diff(want, obs, { allowDeletes: false })).toEqual([]);
    expect(diff(want, obs, { allowDeletes: true }).map((c) => c.kind === 'ucast-delete' && c.uuid)).toEqual(['u2', 'u3']);
  });

  it('the flood set follows membership with a new immutable set; an empty one is deleted', () => {
    const floods: FloodInput[] = [{ logicalSwitch: LS, dstIp: '192.0.2.2' }, { logicalSwitch: LS, dstIp: '192.0.2.3' }];
    const obs = observed({ locators: [['l1', '192.0.2.2', null]], mcast: [['m1', 's1']], sets: [['s1', ['l1']]] });
    const changes = diff(desired(managed, [], floods), obs, { allowDeletes: false });
    expect(changes).toEqual([{ kind: 'flood-set', logicalSwitch: LS, mcastUuid: 'm1', locators: [{ dstIp: '192.0.2.2' }, { dstIp: '192.0.2.3' }] }]);
    const batch = new BatchPlanner(changes, locatorIndex(obs), 100).next();
    expect(batch?.ops.map((o) => (o as { table: string; op: string }).op + ' ' + (o as { table: string }).table)).toEqual([
      'insert Physical_Locator', 'insert Physical_Locator_Set', 'update Mcast_Macs_Remote',
    ]);
    expect(diff(desired(managed, [], []), obs, { allowDeletes: true })).toEqual([{ kind: 'mcast-delete', uuid: 'm1' }]);
    expect(diff(desired(managed, [], []), obs, { allowDeletes: false })).toEqual([]);
  });

  it('rows of unmanaged logical switches are never touched', () => {
    const obs = observed({ ucast: [['u1', '02:00:00:00:00:01', 'l1', '']] });
    expect(diff(desired(new Set(['other']), [], []), obs, { allowDeletes: true })).toEqual([]);
  });
});

describe('batch planner', () => {
  it('bounds the rows per transaction and inserts a new locator once, in the first batch that needs it', () => {
    const macs = Array.from({ length: 250 }, (_, i) => mac(`02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, '192.0.2.2'));
    const changes = diff(desired(managed, macs, []), EMPTY, { allowDeletes: false });
    const resolved = new Map<string, string>();
    const planner = new BatchPlanner(changes, resolved, 100, 'l2bgw');
    const batches = [];
    for (let b = planner.next(); b; b = planner.next()) {
      batches.push(b);
      for (const [, key] of b.locatorInserts) resolved.set(key, 'committed-locator-uuid');
    }
    // assert + at most 100 rows, the new locator counting as one
    expect(batches.map((b) => b.ops.length)).toEqual([101, 101, 52]);
    expect(batches.every((b) => (b.ops[0] as { op: string }).op === 'assert')).toBe(true);
    expect(batches.map((b) => b.locatorInserts.size)).toEqual([1, 0, 0]);
    expect(JSON.stringify(batches[1].ops)).toContain('committed-locator-uuid');
  });
});
