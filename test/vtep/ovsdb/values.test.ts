import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDatumDiff, decodeDatum, encodeDatum, parseColumnType } from '../../../src/vtep/ovsdb/codec/values.js';
import type { ColumnType, Datum } from '../../../src/vtep/ovsdb/codec/values.js';
import { TableCache } from '../../../src/vtep/ovsdb/codec/cache.js';
import { TxnBuilder } from '../../../src/vtep/ovsdb/codec/ops.js';
import { vtepSchema } from '../../../src/vtep/ovsdb/vtep-schema.js';

const U1 = '11111111-1111-1111-1111-111111111111';
const U2 = '22222222-2222-2222-2222-222222222222';
const col = (json: unknown): ColumnType => {
  const r = parseColumnType(json);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const STRING = col('string');
const OPT_INT = col({ key: 'integer', min: 0, max: 1 });
const UUID_SET = col({ key: { type: 'uuid', refTable: 'T' }, min: 0, max: 'unlimited' });
const SMAP = col({ key: 'string', value: 'string', min: 0, max: 'unlimited' });
const REF = col({ key: { type: 'uuid', refTable: 'T' } });

// {name, column type, wire JSON, TS value}: decode, encode and round trip from one table.
const FIXTURES: { name: string; t: ColumnType; wire: unknown; value: Datum; encoded?: unknown }[] = [
  { name: 'string', t: STRING, wire: 'abc', value: 'abc' },
  { name: 'optional integer present', t: OPT_INT, wire: 5000, value: 5000 },
  { name: 'optional integer absent', t: OPT_INT, wire: ['set', []], value: null },
  { name: 'uuid ref', t: REF, wire: ['uuid', U1], value: U1 },
  { name: 'uuid set of one as bare atom', t: UUID_SET, wire: ['uuid', U1], value: [U1], encoded: ['set', [['uuid', U1]]] },
  { name: 'uuid set', t: UUID_SET, wire: ['set', [['uuid', U1], ['uuid', U2]]], value: [U1, U2] },
  { name: 'empty set', t: UUID_SET, wire: ['set', []], value: [] },
  { name: 'map', t: SMAP, wire: ['map', [['a', '1'], ['b', '2']]], value: new Map([['a', '1'], ['b', '2']]) },
  { name: 'real', t: col('real'), wire: 1.5, value: 1.5 },
  { name: 'boolean', t: col('boolean'), wire: true, value: true },
  { name: 'integer-keyed uuid map', t: col({ key: 'integer', value: { type: 'uuid' }, min: 0, max: 'unlimited' }), wire: ['map', [[10, ['uuid', U2]]]], value: new Map([[10, U2]]) },
];

describe('values', () => {
  for (const f of FIXTURES) {
    it(`${f.name}: decode, encode, round trip`, () => {
      const d = decodeDatum(f.wire, f.t);
      expect(d).toEqual({ ok: true, value: f.value });
      const e = encodeDatum(f.value, f.t);
      expect(e).toEqual({ ok: true, value: f.encoded ?? f.wire });
      if (e.ok) expect(decodeDatum(e.value, f.t)).toEqual({ ok: true, value: f.value });
    });
  }

  it('uuid-names encode as named-uuid', () => {
    expect(encodeDatum('loc1', REF)).toEqual({ ok: true, value: ['named-uuid', 'loc1'] });
    expect(encodeDatum(['loc1', U1], UUID_SET)).toEqual({ ok: true, value: ['set', [['named-uuid', 'loc1'], ['uuid', U1]]] });
  });

  it('bad input is a typed error, never an exception', () => {
    expect(decodeDatum(5, STRING)).toMatchObject({ ok: false, error: { code: 'OVSDB_VALUE_INVALID' } });
    expect(decodeDatum(['uuid', 'nope'], REF)).toMatchObject({ ok: false });
    expect(decodeDatum(['set', [1, 2]], OPT_INT)).toMatchObject({ ok: false });
    expect(decodeDatum(['set', [1]], SMAP)).toMatchObject({ ok: false });
    expect(encodeDatum('x-y', REF)).toMatchObject({ ok: false });
    expect(encodeDatum(1.5, OPT_INT)).toMatchObject({ ok: false });
    expect(parseColumnType({ key: 'bogus' })).toMatchObject({ ok: false });
  });

  it('modify diffs: single values replace, sets toggle, maps add/remove/replace', () => {
    expect(applyDatumDiff(5000, 6000, OPT_INT)).toEqual({ ok: true, value: 6000 });
    expect(applyDatumDiff(5000, ['set', []], OPT_INT)).toEqual({ ok: true, value: null });
    expect(applyDatumDiff([U1], ['set', [['uuid', U1], ['uuid', U2]]], UUID_SET)).toEqual({ ok: true, value: [U2] });
    // The server's own diff for {a:1,b:2} → {a:1,b:3,c:4} and then → {c:4}.
    const m1 = applyDatumDiff(new Map([['a', '1'], ['b', '2']]), ['map', [['b', '3'], ['c', '4']]], SMAP);
    expect(m1).toEqual({ ok: true, value: new Map([['a', '1'], ['b', '3'], ['c', '4']]) });
    if (m1.ok) expect(applyDatumDiff(m1.value, ['map', [['a', '1'], ['b', '3']]], SMAP)).toEqual({ ok: true, value: new Map([['c', '4']]) });
  });
});

describe('TableCache', () => {
  const monitored = { Logical_Switch: ['name', 'tunnel_key', 'other_config'] };

  it('applies initial, insert, modify, delete (update2) and fills omitted defaults', () => {
    const c = new TableCache(vtepSchema, monitored);
    const r0 = c.apply({ Logical_Switch: { [U1]: { initial: { name: 'ls1', tunnel_key: 5000 } } } }, 2, true);
    expect(r0.ok && r0.value.map((x) => x.kind)).toEqual(['insert']);
    expect(c.get('Logical_Switch', U1)).toEqual({ name: 'ls1', tunnel_key: 5000, other_config: new Map() });
    const r1 = c.apply({ Logical_Switch: { [U1]: { modify: { tunnel_key: ['set', []], other_config: ['map', [['k', 'v']]] } } } }, 2, false);
    expect(r1.ok && r1.value[0]).toMatchObject({ kind: 'modify', old: { tunnel_key: 5000 }, new: { tunnel_key: null, other_config: new Map([['k', 'v']]) } });
    c.apply({ Logical_Switch: { [U2]: { insert: { name: 'ls2' } } } }, 2, false);
    const r2 = c.apply({ Logical_Switch: { [U1]: { delete: null } } }, 2, false);
    expect(r2.ok && r2.value[0]).toMatchObject({ kind: 'delete', uuid: U1, old: { name: 'ls1' } });
    expect([...c.rows('Logical_Switch').keys()]).toEqual([U2]);
  });

  it('a full snapshot is diffed against the cache: only real changes, vanished rows deleted', () => {
    const c = new TableCache(vtepSchema, monitored);
    c.apply({ Logical_Switch: { [U1]: { initial: { name: 'ls1' } }, [U2]: { initial: { name: 'ls2' } } } }, 2, true);
    const r = c.apply({ Logical_Switch: { [U2]: { initial: { name: 'ls2' } } } }, 2, true);
    expect(r.ok && r.value).toEqual([{ table: 'Logical_Switch', uuid: U1, kind: 'delete', old: { name: 'ls1', tunnel_key: null, other_config: new Map() } }]);
  });

  it('monitor v1 updates: new / old+new / old', () => {
    const c = new TableCache(vtepSchema, monitored);
    c.apply({ Logical_Switch: { [U1]: { new: { name: 'a', tunnel_key: ['set', []], other_config: ['map', []] } } } }, 1, true);
    const r = c.apply({ Logical_Switch: { [U1]: { old: { name: 'a' }, new: { name: 'b', tunnel_key: 7, other_config: ['map', []] } } } }, 1, false);
    expect(r.ok && r.value[0]).toMatchObject({ kind: 'modify', new: { name: 'b', tunnel_key: 7 } });
    const d = c.apply({ Logical_Switch: { [U1]: { old: { name: 'b' } } } }, 1, false);
    expect(d.ok && d.value[0].kind).toBe('delete');
  });

  it('a modify for an unknown row is a typed error', () => {
    const c = new TableCache(vtepSchema, monitored);
    expect(c.apply({ Logical_Switch: { [U1]: { modify: { name: 'x' } } } }, 2, false)).toMatchObject({ ok: false });
  });

  describe('lean tables: inserts announced by uuid only', () => {
    const U3 = '33333333-3333-3333-3333-333333333333';
    const row = (name: string) => ({ name, tunnel_key: 5000, other_config: new Map() });
    const lean = (): TableCache => new TableCache(vtepSchema, monitored, ['Logical_Switch']);

    it('an expected row is taken as the announced insert; others are parked, invisible, until expected or read', () => {
      const c = lean();
      c.apply({ Logical_Switch: {} }, 2, true);
      c.expectInsert('Logical_Switch', U1, row('ours'));
      const r = c.apply({ Logical_Switch: { [U1]: { insert: {} }, [U2]: { insert: {} }, [U3]: { insert: {} } } }, 2, false);
      expect(r).toEqual({ ok: true, value: [{ table: 'Logical_Switch', uuid: U1, kind: 'insert', new: row('ours') }] });
      expect([...c.rows('Logical_Switch').keys()]).toEqual([U1]);
      expect(c.hasParked()).toBe(true);
      // A parked row's modify is skipped (the read that resolves it shows it).
      expect(c.apply({ Logical_Switch: { [U3]: { modify: { name: 'x' } } } }, 2, false)).toEqual({ ok: true, value: [] });
      // Expected after its announcement (a late reply): settled without a read, unless modified since.
      c.expectInsert('Logical_Switch', U2, row('late'));
      c.expectInsert('Logical_Switch', U3, row('stale'));
      const s = c.settleParked();
      expect(s.changes).toEqual([{ table: 'Logical_Switch', uuid: U2, kind: 'insert', new: row('late') }]);
      expect(s.unknown).toEqual(new Map([['Logical_Switch', [U3]]]));
      // Still parked until read.
      expect(c.rows('Logical_Switch').has(U3)).toBe(false);
      expect(c.resolveRow('Logical_Switch', U3, { name: 'theirs', tunnel_key: 7 })).toEqual({
        ok: true, value: { table: 'Logical_Switch', uuid: U3, kind: 'insert', new: { name: 'theirs', tunnel_key: 7, other_config: new Map() } },
      });
      expect(c.hasParked()).toBe(false);
      // A read answered for a row no longer parked changes nothing.
      expect(c.resolveRow('Logical_Switch', U3, { name: 'stale' })).toEqual({ ok: true, value: undefined });
      expect(c.get('Logical_Switch', U3)?.name).toBe('theirs');
    });

    it('a parked row deleted before its read, or found gone by it, never shows', () => {
      const c = lean();
      c.apply({ Logical_Switch: { [U1]: { insert: {} }, [U2]: { insert: {} } } }, 2, false);
      expect(c.apply({ Logical_Switch: { [U1]: { delete: null } } }, 2, false)).toEqual({ ok: true, value: [] });
      expect(c.settleParked().unknown).toEqual(new Map([['Logical_Switch', [U2]]]));
      expect(c.resolveRow('Logical_Switch', U2, undefined)).toEqual({ ok: true, value: undefined });
      expect(c.hasParked()).toBe(false);
      expect(c.rows('Logical_Switch').size).toBe(0);
    });

    it('property: whatever the order of inserts, changes, expectations and reads, the cache ends equal to the server', () => {
      const uuid = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      // Inserts (ours, told before or after their announcement, or another client's), changes, reads.
      const step = fc.oneof(
        fc.record({ kind: fc.constant('insert' as const), ours: fc.boolean(), told: fc.constantFrom('before' as const, 'after' as const) }),
        fc.record({ kind: fc.constant('modify' as const), pick: fc.nat(), key: fc.integer({ min: 1, max: 99 }) }),
        fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('settle' as const) }),
      );
      fc.assert(fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const c = lean();
        c.apply({ Logical_Switch: {} }, 2, true);
        // The server's rows; an announcement is applied as the server sends it.
        const server = new Map<string, { name: string; tunnel_key: number | null }>();
        // Our inserts told late: told as inserted, whatever changed since.
        const told: [string, { name: string; tunnel_key: number }][] = [];
        // A read runs on the server after every update sent before it (see client.ts settle).
        const settle = (): void => {
          for (const [u, row] of told.splice(0)) c.expectInsert('Logical_Switch', u, { ...row, other_config: new Map() });
          const { unknown } = c.settleParked();
          for (const u of unknown.get('Logical_Switch') ?? []) {
            const r = server.get(u);
            expect(c.resolveRow('Logical_Switch', u, r && { name: r.name, tunnel_key: r.tunnel_key ?? ['set', []] }).ok).toBe(true);
          }
        };
        let n = 0;
        for (const st of steps) {
          const live = [...server.keys()];
          if (st.kind === 'insert') {
            const u = uuid(n++);
            const row = { name: `ls${n}`, tunnel_key: n };
            server.set(u, row);
            if (st.ours && st.told === 'before') c.expectInsert('Logical_Switch', u, { ...row, other_config: new Map() });
            expect(c.apply({ Logical_Switch: { [u]: { insert: {} } } }, 2, false).ok).toBe(true);
            if (st.ours && st.told === 'after') told.push([u, { ...row }]);
          } else if (st.kind === 'modify' && live.length > 0) {
            const u = live[st.pick % live.length];
            (server.get(u) as { tunnel_key: number }).tunnel_key = st.key;
            expect(c.apply({ Logical_Switch: { [u]: { modify: { tunnel_key: st.key } } } }, 2, false).ok).toBe(true);
          } else if (st.kind === 'delete' && live.length > 0) {
            const u = live[st.pick % live.length];
            server.delete(u);
            expect(c.apply({ Logical_Switch: { [u]: { delete: null } } }, 2, false).ok).toBe(true);
          } else if (st.kind === 'settle') settle();
        }
        settle();
        expect(c.hasParked()).toBe(false);
        expect(new Map([...c.rows('Logical_Switch')].map(([u, r]) => [u, { name: r.name, tunnel_key: r.tunnel_key }]))).toEqual(server);
      }));
    });

    it('monitor v1: "new" without "old" is the insert; a snapshot forgets parked and expected rows', () => {
      const c = lean();
      c.expectInsert('Logical_Switch', U1, row('ours'));
      expect(c.apply({ Logical_Switch: { [U1]: { new: {} }, [U2]: { new: {} } } }, 1, false)).toMatchObject({ ok: true, value: [{ uuid: U1, kind: 'insert' }] });
      // A v1 modify of a parked row is skipped too.
      expect(c.apply({ Logical_Switch: { [U2]: { old: { name: '' }, new: { name: 'y', tunnel_key: ['set', []], other_config: ['map', []] } } } }, 1, false)).toEqual({ ok: true, value: [] });
      c.expectInsert('Logical_Switch', U3, row('owed'));
      c.apply({ Logical_Switch: { [U1]: { new: { name: 'ours', tunnel_key: 5000, other_config: ['map', []] } } } }, 1, true);
      expect(c.hasParked()).toBe(false);
      // The expectation went with the snapshot: an announcement now is parked.
      c.apply({ Logical_Switch: { [U3]: { new: {} } } }, 1, false);
      expect(c.rows('Logical_Switch').has(U3)).toBe(false);
      expect(c.hasParked()).toBe(true);
    });
  });
});

describe('TxnBuilder', () => {
  it('builds every operation as plain RFC 7047 JSON', () => {
    const b = new TxnBuilder(vtepSchema);
    const loc = b.insert('Physical_Locator', { encapsulation_type: 'vxlan_over_ipv4', dst_ip: '192.0.2.1' }, 'loc');
    b.insert('Ucast_Macs_Remote', { MAC: '00:00:00:00:00:01', logical_switch: U1, locator: loc });
    b.select('Logical_Switch', [['tunnel_key', '==', 5000]], ['name']);
    b.update('Ucast_Macs_Remote', [['MAC', '==', '00:00:00:00:00:01']], { ipaddr: '10.0.0.1' });
    b.mutate('Physical_Switch', [['name', '==', 'ps0']], [['tunnel_ips', 'insert', ['192.0.2.1']], ['other_config', 'delete', ['k']]]);
    b.delete('Ucast_Macs_Remote', [['_uuid', '==', U2]]);
    b.wait('Logical_Switch', [['name', '==', 'ls']], ['tunnel_key'], '==', [{ tunnel_key: 5000 }], 0);
    b.comment('c').assert('L').commit(false).abort();
    const r = b.build();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual([
      { op: 'insert', table: 'Physical_Locator', row: { encapsulation_type: 'vxlan_over_ipv4', dst_ip: '192.0.2.1' }, 'uuid-name': 'loc' },
      { op: 'insert', table: 'Ucast_Macs_Remote', row: { MAC: '00:00:00:00:00:01', logical_switch: ['uuid', U1], locator: ['named-uuid', 'loc'] }, 'uuid-name': 'row0' },
      { op: 'select', table: 'Logical_Switch', where: [['tunnel_key', '==', 5000]], columns: ['name'] },
      { op: 'update', table: 'Ucast_Macs_Remote', where: [['MAC', '==', '00:00:00:00:00:01']], row: { ipaddr: '10.0.0.1' } },
      { op: 'mutate', table: 'Physical_Switch', where: [['name', '==', 'ps0']], mutations: [['tunnel_ips', 'insert', ['set', ['192.0.2.1']]], ['other_config', 'delete', ['set', ['k']]]] },
      { op: 'delete', table: 'Ucast_Macs_Remote', where: [['_uuid', '==', ['uuid', U2]]] },
      { op: 'wait', table: 'Logical_Switch', where: [['name', '==', 'ls']], columns: ['tunnel_key'], until: '==', rows: [{ tunnel_key: 5000 }], timeout: 0 },
      { op: 'comment', comment: 'c' }, { op: 'assert', lock: 'L' }, { op: 'commit', durable: false }, { op: 'abort' },
    ]);
  });

  it('bad values are reported by build(), not thrown', () => {
    const b = new TxnBuilder(vtepSchema);
    b.insert('Logical_Switch', { name: 'x', tunnel_key: 1.5 });
    expect(b.build()).toMatchObject({ ok: false, error: { code: 'OVSDB_VALUE_INVALID' } });
  });
});
