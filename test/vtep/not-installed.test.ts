// Why a route is not installed (DESIGN.md §2): the rule, asked of the rows a switch's monitor holds.
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/evpn/addr.js';
import type { IpAddress } from '../../src/evpn/types.js';
import { SwitchRowIndex } from '../../src/daemon/routes.js';
import { notInstalledReason } from '../../src/vtep/not-installed.js';
import type { FloodCandidate, MacCandidate } from '../../src/vtep/not-installed.js';
import type { ObservedState } from '../../src/vtep/reconcile/types.js';

const ip = (text: string): IpAddress => parseIp(text) as IpAddress;

// ls0 (VNI 5000) holds 02:..:01 toward 192.0.2.20 on the logical switch's VNI, 02:..:02 toward
// 192.0.2.21 on VNI 7000, and floods to 192.0.2.20 and 192.0.2.21/7000.
const SWITCH: ObservedState = {
  logicalSwitches: new Map([['ls0', { name: 'ls0', tunnel_key: 5000 }]]),
  locators: new Map([
    ['loc20', { encapsulation_type: 'vxlan_over_ipv4', dst_ip: '192.0.2.20', tunnel_key: null }],
    ['loc21', { encapsulation_type: 'vxlan_over_ipv4', dst_ip: '192.0.2.21', tunnel_key: 7000 }],
  ]),
  ucastRemote: new Map([
    ['u1', { MAC: '02:00:00:00:00:01', logical_switch: 'ls0', locator: 'loc20', ipaddr: '' }],
    // Another writer's upper-case MAC is the same MAC.
    ['u2', { MAC: '02:00:00:00:00:0A', logical_switch: 'ls0', locator: 'loc21', ipaddr: '' }],
  ]),
  mcastRemote: new Map([['m1', { MAC: 'unknown-dst', logical_switch: 'ls0', locator_set: 'set1' }]]),
  locatorSets: new Map([['set1', { locators: ['loc20', 'loc21'] }]]),
};
const rows = new SwitchRowIndex([SWITCH, undefined]);

const remoteBest = { local: false, ineligible: false, best: true, vni: 5000 };
const mac = (m: string, dst: string | undefined, locatorVni = 5000, vni = 5000): MacCandidate =>
  ({ ...remoteBest, vni, type: 2, mac: m, dst: dst === undefined ? undefined : ip(dst), locatorVni });
const flood = (dst: string, locatorVni = 5000): FloodCandidate => ({ ...remoteBest, type: 3, dst: ip(dst), locatorVni });

describe('notInstalledReason', () => {
  it('each reason wins over those after it: fixing one at a time shows them in order', () => {
    const c: MacCandidate = { type: 2, local: true, ineligible: true, best: false, vni: 9999, mac: '02:00:00:00:00:01', dst: undefined, locatorVni: 5000 };
    const seen = [notInstalledReason({ ...c, type: 5 }, rows)];
    const fixes: Array<(c: MacCandidate) => void> = [
      (c) => (c.local = false),
      (c) => (c.ineligible = false),
      (c) => (c.best = true),
      (c) => (c.dst = ip('2001:db8::20')),
      (c) => (c.dst = ip('192.0.2.20')),
      (c) => (c.vni = 5000),
    ];
    seen.push(notInstalledReason(c, rows));
    for (const fix of fixes) {
      fix(c);
      seen.push(notInstalledReason(c, rows));
    }
    expect(seen).toEqual(['not-acted-on', 'local', 'ineligible', 'not-best', 'no-next-hop', 'ipv6-next-hop', 'no-logical-switch', undefined]);
  });

  it('type 2: held when a row has the MAC with the next hop as locator and label 1 as its VNI', () => {
    expect(notInstalledReason(mac('02:00:00:00:00:01', '192.0.2.20'), rows)).toBeUndefined();
    expect(notInstalledReason(mac('02:00:00:00:00:0a', '192.0.2.21', 7000), rows)).toBeUndefined();
    // Another next hop, another locator VNI, another MAC: the row is not this route's.
    expect(notInstalledReason(mac('02:00:00:00:00:01', '192.0.2.21'), rows)).toBe('not-on-switch');
    expect(notInstalledReason(mac('02:00:00:00:00:01', '192.0.2.20', 7000), rows)).toBe('not-on-switch');
    expect(notInstalledReason(mac('02:00:00:00:00:0a', '192.0.2.21'), rows)).toBe('not-on-switch');
    expect(notInstalledReason(mac('02:00:00:00:00:09', '192.0.2.20'), rows)).toBe('not-on-switch');
  });

  it('type 3: held when the flood target is a member of the unknown-dst set with its VNI', () => {
    expect(notInstalledReason(flood('192.0.2.20'), rows)).toBeUndefined();
    expect(notInstalledReason(flood('192.0.2.21', 7000), rows)).toBeUndefined();
    expect(notInstalledReason(flood('192.0.2.21'), rows)).toBe('not-on-switch');
    expect(notInstalledReason(flood('192.0.2.22'), rows)).toBe('not-on-switch');
    expect(notInstalledReason(flood('2001:db8::20'), rows)).toBe('ipv6-next-hop');
  });

  it('asked about one VNI and type, the switches are indexed for those alone', () => {
    const only = new SwitchRowIndex([SWITCH], { vni: 5000, type: 3 });
    expect(notInstalledReason(flood('192.0.2.20'), only)).toBeUndefined();
    expect(notInstalledReason(mac('02:00:00:00:00:01', '192.0.2.20'), only)).toBe('not-on-switch');
    expect(notInstalledReason(flood('192.0.2.20'), new SwitchRowIndex([SWITCH], { vni: 6000 }))).toBe('no-logical-switch');
  });
});
