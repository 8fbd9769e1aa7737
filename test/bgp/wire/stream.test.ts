/**
 * Stream properties: any sequence of valid messages, cut into any chunks, frames back
 * to the same messages (RFC 4271 §4.1 framing is independent of TCP segmentation); and
 * real GoBGP/FRR UPDATEs mutated at random give a typed result, never an exception.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BgpFramer } from '../../../src/bgp/wire/framer.js';
import { decodeMessage } from '../../../src/bgp/wire/message.js';
import { FIXTURES } from './fixtures.js';
import { CTX2, CTX4, hex } from './helpers.js';

const captured = (JSON.parse(readFileSync(new URL('../../fixtures/evpn/captured-updates.json', import.meta.url), 'utf8')) as { updates: Array<{ hex: string }> }).updates.map((u) =>
  Buffer.from(u.hex, 'hex'),
);
const messages = [...FIXTURES.map((f) => hex(f.hex)), ...captured];

describe('stream properties', () => {
  it('frames any sequence of messages cut into any chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(messages.length - 1), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (picks, cuts) => {
        const stream = Buffer.concat(picks.map((i) => messages[i]));
        const at = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const framer = new BgpFramer();
        const frames: Buffer[] = [];
        let prev = 0;
        for (const c of [...at, stream.length]) {
          const out = framer.push(stream.subarray(prev, c));
          expect(out.error).toBeUndefined();
          frames.push(...out.frames);
          prev = c;
        }
        expect(frames.map((f) => f.toString('hex'))).toEqual(picks.map((i) => messages[i].toString('hex')));
        expect(framer.buffered).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('mutated captured UPDATEs give a typed result, never an exception', () => {
    fc.assert(
      fc.property(fc.nat(captured.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), fc.boolean(), (i, flips, cut, four) => {
        const b = Buffer.from(captured[i]);
        // Flip octets past the header so the UPDATE decoder sees the damage.
        for (const [at, bits] of flips) b[19 + (at % (b.length - 19))] ^= bits;
        const ctx = four ? CTX4 : CTX2;
        const r = decodeMessage(b, ctx);
        if (!r.ok) expect(r.error.notification.code).toBe(3);
        // Truncated, with the length field kept consistent.
        const t = Buffer.from(b.subarray(0, 19 + (cut % (b.length - 18))));
        t.writeUInt16BE(t.length, 16);
        expect(typeof decodeMessage(t, ctx).ok).toBe('boolean');
        for (const f of new BgpFramer().push(Buffer.concat([b, t])).frames) expect(typeof decodeMessage(f, ctx).ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});
