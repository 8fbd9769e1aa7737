import { describe, expect, it } from 'vitest';
import { BgpFramer } from '../../../src/bgp/wire/framer.js';
import { decodeMessage } from '../../../src/bgp/wire/message.js';
import { FIXTURES } from './fixtures.js';
import { hex, msg } from './helpers.js';

const stream = Buffer.concat(FIXTURES.map((f) => hex(f.hex)));
const expected = FIXTURES.map((f) => hex(f.hex).toString('hex'));

describe('BgpFramer', () => {
  it('returns whole messages from one chunk as views into it', () => {
    const out = new BgpFramer().push(stream);
    expect(out.error).toBeUndefined();
    expect(out.frames.map((f) => f.toString('hex'))).toEqual(expected);
    expect(out.frames[1].buffer).toBe(stream.buffer);
  });

  it('yields the same frames when the stream is split at every offset', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = new BgpFramer();
      const a = framer.push(stream.subarray(0, cut));
      const b = framer.push(stream.subarray(cut));
      expect(a.error ?? b.error).toBeUndefined();
      expect([...a.frames, ...b.frames].map((f) => f.toString('hex'))).toEqual(expected);
      expect(framer.buffered).toBe(0);
    }
  });

  it('yields the same frames when fed one octet at a time and at three cuts', () => {
    const framer = new BgpFramer();
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) frames.push(...framer.push(stream.subarray(i, i + 1)).frames);
    expect(frames.map((f) => f.toString('hex'))).toEqual(expected);
    for (let c = 7; c < stream.length; c += 97) {
      const f2 = new BgpFramer();
      const parts = [stream.subarray(0, c), stream.subarray(c, c + 13), stream.subarray(c + 13, c + 400), stream.subarray(c + 400)];
      const got = parts.flatMap((p) => f2.push(p).frames);
      expect(got.map((f) => f.toString('hex'))).toEqual(expected);
    }
  });

  it('copies a message that straddles chunks, so the first chunk may be reused', () => {
    const framer = new BgpFramer();
    const chunk1 = Buffer.from(stream.subarray(0, 100));
    const n1 = framer.push(chunk1).frames.length;
    chunk1.fill(0); // the caller reuses its memory once complete frames are consumed
    const out2 = framer.push(Buffer.from(stream.subarray(100)));
    for (const [i, f] of out2.frames.entries()) expect(decodeMessage(f, FIXTURES[n1 + i].ctx).ok).toBe(true);
  });

  const headerErrors: Array<{ name: string; hex: string; subcode: number; data: string }> = [
    { name: 'marker not all ones', hex: 'ff'.repeat(15) + 'fe' + '0013 04', subcode: 1, data: '' },
    { name: 'length 18', hex: 'ff'.repeat(16) + '0012 04', subcode: 2, data: '0012' },
    { name: 'length 4097', hex: 'ff'.repeat(16) + '1001 02', subcode: 2, data: '1001' },
    { name: 'unknown type 6', hex: 'ff'.repeat(16) + '0013 06', subcode: 3, data: '06' },
    { name: 'KEEPALIVE of 20 octets', hex: 'ff'.repeat(16) + '0014 04', subcode: 2, data: '0014' },
    { name: 'OPEN shorter than 29', hex: 'ff'.repeat(16) + '001c 01', subcode: 2, data: '001c' },
    { name: 'UPDATE shorter than 23', hex: 'ff'.repeat(16) + '0016 02', subcode: 2, data: '0016' },
    { name: 'NOTIFICATION shorter than 21', hex: 'ff'.repeat(16) + '0014 03', subcode: 2, data: '0014' },
    { name: 'ROUTE-REFRESH shorter than 23', hex: 'ff'.repeat(16) + '0016 05', subcode: 2, data: '0016' },
  ];
  for (const e of headerErrors) {
    it(`header error: ${e.name} → 1/${e.subcode} (RFC 4271 §6.1)`, () => {
      const framer = new BgpFramer();
      const good = hex(msg(4, ''));
      // The error is reported as soon as the header is in, after the good frames before it.
      const out = framer.push(Buffer.concat([good, hex(e.hex)]));
      expect(out.frames).toHaveLength(1);
      expect(out.error?.action).toBe('session-reset');
      expect(out.error?.notification).toEqual({ code: 1, subcode: e.subcode, data: hex(e.data) });
      // The framer stops after an error.
      expect(framer.push(good)).toEqual({ frames: [] });
      // The same header split across chunks gives the same error.
      const split = new BgpFramer();
      const h = hex(e.hex);
      expect(split.push(h.subarray(0, 10)).error).toBeUndefined();
      expect(split.push(h.subarray(10)).error?.notification.subcode).toBe(e.subcode);
    });
  }
});
