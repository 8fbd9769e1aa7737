import { expect, test } from 'vitest';
import fc from 'fast-check';
import { parseConfig, validateConfig } from '../../src/config/parse.js';

const keys = ['router_id', 'local_as', 'bgp', 'peers', 'address', 'remote_as', 'listen', 'port', 'hold_time', 'vteps', 'switch', 'ovsdb', 'evpn', 'vnis', 'vni', 'rd', 'import_rts', 'export_rts', 'api', 'x'];

test('any value: a typed result, never an exception; errors name a key path', () => {
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...keys), tie('node'), { maxKeys: 5 })),
  })).node;
  fc.assert(fc.property(value, (v) => {
    const r = validateConfig(v);
    if (!r.ok) {
      expect(r.errors.length).toBeGreaterThan(0);
      for (const e of r.errors) expect(e).toMatch(/^(\(top level\)|([A-Za-z_][A-Za-z0-9_-]*|\[".*"\])(\[\d+\]|\[".*"\]|\.[A-Za-z_][A-Za-z0-9_-]*)*): \S/);
    }
  }), { numRuns: 2000 });
});

test('any text: a typed result, never an exception', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
    const r = parseConfig(`router_id: 192.0.2.1\nlocal_as: 1\n${text}`, 'f.yaml');
    expect(typeof r.ok).toBe('boolean');
  }), { numRuns: 2000 });
});
