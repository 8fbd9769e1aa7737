import { describe, expect, it } from 'vitest';
import { needsReset, toFsmConfig } from '../../../src/bgp/session/config.js';
import { formatIpv4, parseRouterId } from '../../../src/bgp/wire/ipv4.js';

describe('session config', () => {
  it('router ids are uint32 both ways', () => {
    expect(parseRouterId('192.0.2.10')).toBe(0xc000020a);
    expect(parseRouterId('255.255.255.255')).toBe(0xffffffff);
    expect(parseRouterId('256.0.0.1')).toBeUndefined();
    expect(parseRouterId('1.2.3')).toBeUndefined();
    expect(formatIpv4(0xc000020a)).toBe('192.0.2.10');
  });

  it('fills FSM defaults from the bgp section, peer values first', () => {
    const bgp = { routerId: '192.0.2.10', localAs: 65010, holdTime: 60, peers: [] };
    const f = toFsmConfig(bgp, { address: '127.0.0.2', remoteAs: 65000, holdTime: 30, gracefulRestart: true });
    expect(f).toMatchObject({ localAs: 65010, remoteAs: 65000, routerId: 0xc000020a, holdTime: 30, connectRetry: 30, passive: false });
    expect(f.families).toEqual([{ afi: 1, safi: 1 }, { afi: 25, safi: 70 }]);
    expect(f.gracefulRestart).toEqual({ restartTime: 120, forwardingPreserved: true, notification: true });
    expect(toFsmConfig(bgp, { address: '127.0.0.2', remoteAs: 65000 }).holdTime).toBe(60);
  });

  it('only session parameters force a reset', () => {
    const p = { address: '127.0.0.2', remoteAs: 65000 };
    expect(needsReset(p, { ...p, maxPrefixes: 10 })).toBe(false);
    expect(needsReset(p, { ...p, port: 179 })).toBe(false);
    expect(needsReset(p, { ...p, remoteAs: 65001 })).toBe(true);
    expect(needsReset(p, { ...p, passive: true })).toBe(true);
  });
});
