import { describe, expect, test } from 'vitest';
import { describeDiff, diffConfig, isEmptyDiff } from '../../src/config/diff.js';
import { parseConfig } from '../../src/config/parse.js';
import type { Config } from '../../src/config/types.js';

const BASE = `router_id: 192.0.2.1
local_as: 65001
bgp:
  listen: { host: 127.0.0.1, port: 1179 }
  peers:
    - { address: 127.0.0.2, remote_as: 65002 }
    - { address: 127.0.0.3, remote_as: 65003 }
    - { address: '2001:db8::1', remote_as: 65004 }
vteps:
  - { switch: ps0, ovsdb: 'unix:/run/a.sock' }
evpn:
  vnis:
    - { vni: 5000, rd: '192.0.2.1:5000' }
    - { vni: 5001 }
`;

function config(text: string): Config {
  const r = parseConfig(text, 'test.yaml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

describe('diffConfig', () => {
  test('the same config: empty diff', () => {
    const d = diffConfig(config(BASE), config(BASE));
    expect(isEmptyDiff(d)).toBe(true);
    expect(describeDiff(d)).toEqual([]);
  });

  test('comments, order of keys and address spelling do not count', () => {
    const respelled = BASE.replace("'2001:db8::1'", "'2001:DB8:0::1'").replace('{ address: 127.0.0.2, remote_as: 65002 }', '{ remote_as: 65002, address: 127.0.0.2 }  # same');
    expect(isEmptyDiff(diffConfig(config(BASE), config(respelled)))).toBe(true);
  });

  test('peer added, removed and changed; the others untouched', () => {
    const next = BASE
      .replace('    - { address: 127.0.0.3, remote_as: 65003 }\n', '')
      .replace('{ address: 127.0.0.2, remote_as: 65002 }', '{ address: 127.0.0.2, remote_as: 65002, hold_time: 30, passive: true }')
      + '';
    const withNew = next.replace('vteps:', "    - { address: 127.0.0.4, remote_as: 65005 }\nvteps:");
    const d = diffConfig(config(BASE), config(withNew));
    expect(d.peers.added.map((p) => p.address)).toEqual(['127.0.0.4']);
    expect(d.peers.removed.map((p) => p.address)).toEqual(['127.0.0.3']);
    expect(d.peers.changed).toEqual([{
      before: expect.objectContaining({ address: '127.0.0.2', hold_time: 90, passive: false }),
      after: expect.objectContaining({ address: '127.0.0.2', hold_time: 30, passive: true }),
      keys: ['hold_time', 'passive'],
    }]);
    expect(d.evis).toEqual({ added: [], removed: [], changed: [] });
    expect(d.keys).toEqual([]);
    expect(describeDiff(d)).toEqual(['peer 127.0.0.4 added', 'peer 127.0.0.3 removed', 'peer 127.0.0.2 changed (hold_time, passive)']);
  });

  test('bgp.hold_time changes every peer that inherits it', () => {
    const next = BASE.replace('  peers:', '  hold_time: 30\n  peers:').replace('{ address: 127.0.0.3, remote_as: 65003 }', '{ address: 127.0.0.3, remote_as: 65003, hold_time: 90 }');
    const d = diffConfig(config(BASE), config(next));
    expect(d.peers.changed.map((c) => c.after.address)).toEqual(['127.0.0.2', '2001:db8::1']);
    expect(d.keys).toEqual(['bgp.hold_time']);
  });

  test('max_prefixes and local_address appearing count as changes', () => {
    const next = BASE.replace('{ address: 127.0.0.2, remote_as: 65002 }', '{ address: 127.0.0.2, remote_as: 65002, max_prefixes: 5, local_address: 127.0.0.1 }');
    expect(diffConfig(config(BASE), config(next)).peers.changed[0].keys).toEqual(['local_address', 'max_prefixes']);
  });

  test('EVIs added, removed and changed', () => {
    const next = BASE
      .replace("{ vni: 5000, rd: '192.0.2.1:5000' }", "{ vni: 5000, rd: '192.0.2.1:5000', import_rts: ['*:5000'] }")
      .replace('{ vni: 5001 }', '{ vni: 5002 }');
    const d = diffConfig(config(BASE), config(next));
    expect(d.evis.added).toEqual([{ vni: 5002 }]);
    expect(d.evis.removed).toEqual([{ vni: 5001 }]);
    expect(d.evis.changed).toEqual([{ before: { vni: 5000, rd: '192.0.2.1:5000' }, after: { vni: 5000, rd: '192.0.2.1:5000', import_rts: ['*:5000'] }, keys: ['import_rts'] }]);
    expect(d.peers).toEqual({ added: [], removed: [], changed: [] });
    expect(describeDiff(d)).toEqual(['evi 5002 added', 'evi 5001 removed', 'evi 5000 changed (import_rts)']);
  });

  test('VTEPs and the other keys', () => {
    const next = BASE
      .replace('router_id: 192.0.2.1', 'router_id: 192.0.2.2')
      .replace('port: 1179 }', 'port: 1180 }')
      .replace("unix:/run/a.sock' }", "unix:/run/b.sock' }\n  - { switch: ps1, ovsdb: 'tcp:127.0.0.1:6640' }")
      .replace('evpn:\n', 'evpn:\n  auto_vni: false\n')
      + 'log_level: debug\napi: {}\n';
    const d = diffConfig(config(BASE), config(next));
    expect(d.vteps.added).toEqual([{ switch: 'ps1', ovsdb: 'tcp:127.0.0.1:6640' }]);
    expect(d.vteps.changed.map((c) => c.keys)).toEqual([['ovsdb']]);
    expect(d.keys).toEqual(['router_id', 'bgp.listen', 'evpn.auto_vni', 'api', 'log_level']);
    expect(isEmptyDiff(d)).toBe(false);
  });
});
