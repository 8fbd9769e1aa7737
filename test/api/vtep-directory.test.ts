/** Names of the managed switches' hardware_vtep databases, as a connection refers to them. */
import { describe, expect, it } from 'vitest';
import { OvsdbVtepDirectory } from '../../src/api/vtep-directory.js';
import type { SwitchTables } from '../../src/api/vtep-directory.js';

function tables(switches: Record<string, string>, logical: Record<string, { name: string; tunnel_key: number | null }>): SwitchTables {
  const ps = new Map(Object.entries(switches).map(([uuid, name]) => [uuid, { name }]));
  const ls = new Map(Object.entries(logical));
  return { physicalSwitches: () => ps, logicalSwitches: () => ls };
}

describe('OvsdbVtepDirectory', () => {
  const d = new OvsdbVtepDirectory();
  d.add('siteA', tables({ 'ps-a': 'siteA', 'ps-x': 'unmanaged' }, { 'ls-a0': { name: 'ls0', tunnel_key: 5000 }, 'ls-a1': { name: 'ls1', tunnel_key: null } }));
  d.add('siteB', tables({ 'ps-b': 'siteB' }, { 'ls-b0': { name: 'ls0', tunnel_key: 6000 } }));

  it('lists the managed switches of every database', () => {
    expect(d.listSwitches()).toEqual([{ uuid: 'ps-a', name: 'siteA' }, { uuid: 'ps-b', name: 'siteB' }]);
  });

  it('finds a logical switch by name or uuid in the database of the switch asked for', () => {
    expect(d.findLogicalSwitch('ls0', 'siteA')).toEqual({ uuid: 'ls-a0', name: 'ls0', tunnelKey: 5000 });
    expect(d.findLogicalSwitch('ls0', 'siteB')).toEqual({ uuid: 'ls-b0', name: 'ls0', tunnelKey: 6000 });
    expect(d.findLogicalSwitch('ls-a1', 'siteA')).toEqual({ uuid: 'ls-a1', name: 'ls1', tunnelKey: null });
    // Another switch's logical switch is not this one's network.
    expect(d.findLogicalSwitch('ls-a0', 'siteB')).toBeUndefined();
    expect(d.findLogicalSwitch('ls1', 'siteB')).toBeUndefined();
    expect(d.findLogicalSwitch('ls0', 'unmanaged')).toBeUndefined();
  });
});
