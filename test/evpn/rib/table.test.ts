import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OpenTable } from '../../../src/evpn/rib/table.js';

interface E {
  k: number;
  v: number;
}

// A deliberately poor hash (few buckets) so probe runs are long and wrap around.
const keying = { hash: (e: E) => (e.k % 7) * 3 + 0xfffffff0, same: (a: E, b: E) => a.k === b.k };

describe('OpenTable', () => {
  it('behaves like a Map under any sequence of set/delete/get (linear probing, backward-shift deletion)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('set', 'delete', 'get'), fc.integer({ min: 0, max: 60 }), fc.nat()), { maxLength: 400 }), (ops) => {
        const t = new OpenTable<E>(keying);
        const m = new Map<number, number>();
        for (const [op, k, v] of ops) {
          if (op === 'set') {
            expect(t.set({ k, v })?.v).toBe(m.get(k));
            m.set(k, v);
          } else if (op === 'delete') {
            expect(t.delete({ k, v: 0 })?.v).toBe(m.get(k));
            m.delete(k);
          } else {
            expect(t.get({ k, v: 0 })?.v).toBe(m.get(k));
          }
          expect(t.size).toBe(m.size);
        }
        expect(new Map([...t.values()].map((e) => [e.k, e.v]))).toEqual(m);
      }),
    );
  });
});
