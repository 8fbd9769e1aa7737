import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonFramer } from '../../../src/vtep/ovsdb/codec/framer.js';
import { decodeRpc, encodeOps, encodeRequest, encodeTransact } from '../../../src/vtep/ovsdb/codec/jsonrpc.js';

const FIXTURES: { name: string; text: string }[] = [
  { name: 'plain request', text: '{"id":1,"method":"list_dbs","params":[]}' },
  { name: 'escaped braces and quotes in strings', text: '{"id":2,"result":["}{\\"]","\\\\","x\\\\\\"}"],"error":null}' },
  { name: 'backslash before closing quote', text: '{"a":"\\\\","b":"{"}' },
  { name: 'multi-byte UTF-8', text: '{"id":3,"params":["é€𝄞 中文 {}"],"method":"echo"}' },
  { name: 'numbers beyond 2^53', text: '{"id":4,"result":[{"count":123456789012345678901234567890}],"error":null}' },
  { name: 'nested arrays and objects', text: '{"id":5,"result":[["map",[["k",["uuid","a"]]]],{"x":[[],{}]}],"error":null}' },
  { name: 'top-level array', text: '[1,[2,{"a":"]"}]]' },
];

/**
 * `values` as JSON texts joined by `sep`, cut at `rawCuts`: each comes back
 * whole and equal (as JSON sees it); true when nothing is left pending.
 */
function framesBack(values: unknown[], sep: string, rawCuts: number[]): boolean {
  const buf = Buffer.from(values.map((v) => JSON.stringify(v)).join(sep), 'utf8');
  const f = new JsonFramer();
  const got = splitAll(f, buf, cutsIn(buf, rawCuts)).map((m) => JSON.parse(m) as unknown);
  expect(got).toEqual(values.map((v) => JSON.parse(JSON.stringify(v)) as unknown));
  return f.pending === 0;
}

/** Distinct offsets inside `buf`, in order, from any naturals. */
function cutsIn(buf: Buffer, raw: number[]): number[] {
  return [...new Set(raw.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
}

function splitAll(framer: JsonFramer, buf: Buffer, cuts: number[]): string[] {
  const out: string[] = [];
  let prev = 0;
  for (const c of [...cuts, buf.length]) {
    const r = framer.push(buf.subarray(prev, c));
    expect(r.ok).toBe(true);
    out.push(...r.messages.map((m) => m.toString('utf8')));
    prev = c;
  }
  return out;
}

describe('JsonFramer', () => {
  for (const f of FIXTURES) {
    it(`${f.name}: whole, and split at every byte offset`, () => {
      const buf = Buffer.from(f.text, 'utf8');
      expect(splitAll(new JsonFramer(), buf, [])).toEqual([f.text]);
      for (let i = 1; i < buf.length; i++) expect(splitAll(new JsonFramer(), buf, [i])).toEqual([f.text]);
    });
  }

  it('several messages in one chunk, with white space between, split at every offset', () => {
    const text = FIXTURES.map((f) => f.text).join('\n ');
    const buf = Buffer.from(text, 'utf8');
    const want = FIXTURES.map((f) => f.text);
    expect(splitAll(new JsonFramer(), buf, [])).toEqual(want);
    for (let i = 1; i < buf.length; i++) expect(splitAll(new JsonFramer(), buf, [i])).toEqual(want);
  });

  it('byte-at-a-time feeding', () => {
    const buf = Buffer.from(FIXTURES.map((f) => f.text).join(''), 'utf8');
    const cuts = Array.from({ length: buf.length - 1 }, (_, i) => i + 1);
    expect(splitAll(new JsonFramer(), buf, cuts)).toEqual(FIXTURES.map((f) => f.text));
  });

  it('big numbers do not break framing, decoding keeps going', () => {
    const r = new JsonFramer().push(Buffer.from(FIXTURES[4].text));
    const d = decodeRpc(r.messages[0]);
    expect(d.ok && d.value.kind === 'response').toBe(true);
  });

  it('junk between messages is a typed error, and the framer stays failed', () => {
    const f = new JsonFramer();
    const r = f.push(Buffer.from('{"a":1} x{"b":2}'));
    expect(r.ok).toBe(false);
    expect(r.messages.map(String)).toEqual(['{"a":1}']);
    if (!r.ok) expect(r.error.code).toBe('OVSDB_FRAME_INVALID');
    expect(f.push(Buffer.from('{}')).ok).toBe(false);
    f.reset();
    expect(f.push(Buffer.from('{}')).ok).toBe(true);
  });

  it('a message over the size limit is a typed error', () => {
    const f = new JsonFramer(16);
    const r = f.push(Buffer.from('{"a":"0123456789abcdef'));
    expect(r.ok ? '' : r.error.code).toBe('OVSDB_FRAME_TOO_LARGE');
  });

  it('property: any JSON values, any split, come back whole and equal', () => {
    fc.assert(fc.property(
      fc.array(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue()), { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (values, rawCuts) => framesBack(values, ' ', rawCuts),
    ));
  });

  it('property: strings dense in backslashes, quotes and brackets, split anywhere', () => {
    const tricky = fc.string({ unit: fc.constantFrom('\\', '"', '{', '}', '[', ']', 'a', 'é') });
    fc.assert(fc.property(fc.array(fc.tuple(tricky, tricky), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 8 }), (pairs, rawCuts) => {
      const values = pairs.map(([k, v]) => ({ [k]: [v, { k: v }] }));
      return framesBack(values, '', rawCuts);
    }), { numRuns: 500 });
  });
});

describe('encodeTransact', () => {
  it('encoded ahead, a transact request is the same JSON as encoding it whole', () => {
    const ops = [{ op: 'insert', table: 'Ucast_Macs_Remote', row: { MAC: '02:00:00:00:00:01', ipaddr: '' }, 'uuid-name': 'a"b' }, { op: 'comment', comment: 'x' }];
    for (const list of [ops, []]) {
      expect(JSON.parse(encodeTransact(7, 'hardware_vtep', encodeOps(list)).toString())).toEqual(JSON.parse(encodeRequest(7, 'transact', ['hardware_vtep', ...list])));
    }
  });
});

describe('decodeRpc', () => {
  it('classifies requests, notifications and responses; bad JSON is data', () => {
    expect(decodeRpc('{"id":"e","method":"echo","params":[]}')).toMatchObject({ ok: true, value: { kind: 'request', method: 'echo' } });
    expect(decodeRpc('{"id":null,"method":"update3","params":["m",1,{}]}')).toMatchObject({ ok: true, value: { kind: 'notification', method: 'update3' } });
    expect(decodeRpc('{"id":7,"result":[],"error":null}')).toMatchObject({ ok: true, value: { kind: 'response', id: 7 } });
    expect(decodeRpc('{"id":7,')).toMatchObject({ ok: false, error: { code: 'OVSDB_BAD_MESSAGE' } });
    expect(decodeRpc('[1]')).toMatchObject({ ok: false });
  });
});
