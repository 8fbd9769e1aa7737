import { describe, expect, it } from 'vitest';
import { diffLocalMacs, readLocalView } from '../../src/vtep/local-side.js';
import type { LocalRows } from '../../src/vtep/local-side.js';

const ps = (name: string, tunnel_ips: string[]) => ({
  ports: [], name, description: '', management_ips: [], tunnel_ips, tunnels: [], other_config: new Map(), switch_fault_status: [],
});
const ls = (name: string, tunnel_key: number | null) => ({ name, description: '', tunnel_key, replication_mode: null, other_config: new Map() });

function rows(macs: Array<[string, string, string, string]>): LocalRows {
  return {
    physicalSwitches: new Map([['ps-a', ps('ps-a', ['192.0.2.1'])], ['ps-x', ps('ps-x', ['192.0.2.99'])]]),
    logicalSwitches: new Map([['ls0', ls('ls0', 5000)], ['ls1', ls('ls1', null)]]),
    locators: new Map([['loc1', { encapsulation_type: 'vxlan_over_ipv4' as const, dst_ip: '192.0.2.1', tunnel_key: null }]]),
    ucastLocal: new Map(macs.map(([uuid, MAC, logical_switch, ipaddr]) => [uuid, { MAC, logical_switch, locator: 'loc1', ipaddr }])),
  };
}

describe('local side of a managed switch', () => {
  it('reads the tunnel IP, the EVIs with a tunnel key and the local MACs', () => {
    const view = readLocalView('ps-a', rows([['m1', '02:00:00:00:0A:01', 'ls0', '10.0.0.1'], ['m2', '02:00:00:00:0a:02', 'ls1', '']]));
    expect(view.tunnelIp).toBe('192.0.2.1');
    expect([...view.logicalSwitches.values()]).toEqual([{ uuid: 'ls0', name: 'ls0', vni: 5000 }]);
    // the MAC on a logical switch without a tunnel key is no EVI's
    expect([...view.localMacs.values()]).toEqual([{ mac: '02:00:00:00:0a:01', vni: 5000, ip: '10.0.0.1', nextHop: '192.0.2.1' }]);
  });

  it('diffs local MACs: added, removed, and changed IP as remove + add', () => {
    const a = readLocalView('ps-a', rows([['m1', '02:00:00:00:0a:01', 'ls0', ''], ['m2', '02:00:00:00:0a:02', 'ls0', '']])).localMacs;
    const b = readLocalView('ps-a', rows([['m1', '02:00:00:00:0a:01', 'ls0', '10.0.0.1'], ['m3', '02:00:00:00:0a:03', 'ls0', '']])).localMacs;
    const d = diffLocalMacs(a, b);
    expect(d.added.map((m) => m.mac).sort()).toEqual(['02:00:00:00:0a:01', '02:00:00:00:0a:03']);
    expect(d.removed.map((m) => m.mac).sort()).toEqual(['02:00:00:00:0a:01', '02:00:00:00:0a:02']);
    expect(diffLocalMacs(b, b)).toEqual({ added: [], removed: [] });
  });
});
